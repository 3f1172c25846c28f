"""What the import pages keep between steps, and the record of each import, as store records.

**Drafts** (``import_draft``): between the upload and the confirmation, the pages keep the
*parsed cells* of the file (never the file itself), its name, SHA-256 and partner, the chosen
sheet and header row, the mapping, place choices and excluded rows. A draft belongs to the
person who uploaded it (anyone else gets 404), expires after :data:`DRAFT_HOURS` and is deleted
once imported. Drafts never touch the listings.

**Imports** (``import_batch``): after an import, who imported which file for which partner,
when, the counts, and the organizations it created or updated (for the claim invitations).
They hold no cell values.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from directory.exchange.spreadsheet.fields import Mapping, partner_key
from directory.exchange.spreadsheet.reading import Sheet
from directory.store.base import Record, Store

DRAFTS = "import_draft"
BATCHES = "import_batch"
DRAFT_HOURS = 2
PURGED_PER_UPLOAD = 20
FAR_FUTURE = 10**10


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def create_draft(
    store: Store, owner: str, partner: str, file_name: str, sha256: str, sheets: list[Sheet]
) -> str:
    """Keep an uploaded file's cells for the next steps; returns the draft's id."""
    purge_expired(store)
    draft_id = str(uuid.uuid4())
    expires = _stamp(_now() + timedelta(hours=DRAFT_HOURS))
    doc: dict[str, Any] = {
        "owner": owner, "partner": partner.strip(), "file_name": file_name, "sha256": sha256,
        "uploaded_at": _stamp(_now()), "expires_at": expires,
        "sheets": [asdict(s) for s in sheets], "sheet": None, "header_row": None,
        "mapping": None, "choices": {}, "excluded": [],
    }  # fmt: skip
    store.put_record(Record(DRAFTS, draft_id, doc, key1=owner, sort=expires), None)
    return draft_id


def get_draft(store: Store, draft_id: str, owner: str) -> Record | None:
    """The owner's unexpired draft, or None (for anyone else's, an expired or a missing one)."""
    record = store.get_record(DRAFTS, draft_id)
    if record is None or record.doc["owner"] != owner:
        return None
    if record.doc["expires_at"] < _stamp(_now()):
        store.delete_record(DRAFTS, draft_id)
        return None
    return record


def save_draft(store: Store, record: Record, **changes: Any) -> Record:
    """Compare-and-set update of a draft (raises VersionConflict if it changed meanwhile)."""
    doc = {**record.doc, **changes}
    version = store.put_record(
        Record(DRAFTS, record.id, doc, key1=record.key1, sort=record.sort), record.version
    )
    return Record(DRAFTS, record.id, doc, version, record.key1, record.key2, record.sort)


def delete_draft(store: Store, draft_id: str) -> None:
    store.delete_record(DRAFTS, draft_id)


def purge_expired(store: Store) -> int:
    """Delete a few expired drafts (ordered by expiry, so the oldest go first)."""
    now = _stamp(_now())
    gone = 0
    for record in store.find_records(DRAFTS, limit=PURGED_PER_UPLOAD):
        if record.sort >= now:
            break
        gone += store.delete_record(DRAFTS, record.id)
    return gone


def sheets_of(record: Record) -> list[Sheet]:
    return [Sheet(**s) for s in record.doc["sheets"]]


def sheet_of(record: Record) -> Sheet | None:
    """The chosen sheet of a draft, or None before it is chosen."""
    chosen = record.doc["sheet"]
    return next((s for s in sheets_of(record) if s.name == chosen), None)


def mapping_of(record: Record) -> Mapping | None:
    data = record.doc["mapping"]
    return Mapping.from_json(data) if data is not None else None


# -- imports ---------------------------------------------------------------------------------


def record_batch(
    store: Store, partner: str, file_name: str, sha256: str, actor: str, counts: dict[str, Any]
) -> str:
    """Remember an import (newest first in :func:`recent_batches`); returns its id."""
    batch_id = str(uuid.uuid4())
    now = _now()
    doc = {"partner": partner.strip(), "file_name": file_name, "sha256": sha256,
           "imported_at": _stamp(now), "imported_by": actor, **counts}  # fmt: skip
    newest_first = f"{FAR_FUTURE - int(now.timestamp()):011d}"
    store.put_record(
        Record(BATCHES, batch_id, doc, key1=partner_key(partner), sort=newest_first), None
    )
    return batch_id


def get_batch(store: Store, batch_id: str) -> Record | None:
    return store.get_record(BATCHES, batch_id)


def recent_batches(store: Store, limit: int = 20) -> list[Record]:
    return store.find_records(BATCHES, limit=limit)
