"""Keeping listings right: provider edits of sensitive fields wait for a coordinator, listings
are verified and re-confirmed, and any listing can be reverted to an earlier version.

Every action here is a compare-and-set update through the store, so it appends a version to
the listing's history and never rewrites it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from directory.core.schemas import canonical
from directory.store.base import Document, NotFound, Record, Store
from directory.store.text import utc_now

SENSITIVE: dict[str, tuple[str, ...]] = {
    "organization": ("name",),
    "location": ("latitude", "longitude", "confidentiality", "adm1_pcode", "adm2_pcode", "tz"),
    "service": ("needs", "capabilities", "location_ids", "remote", "service_area", "status"),
}
"""Fields a provider's change of which waits for a coordinator: where a listing is (its point,
its area and time zone, the locations a service is offered at, the areas a remote service
covers), what it claims to offer (needs, capabilities) and whether a retired service comes
back. Changes that only hide more apply at once (:func:`hides_only`)."""
SERVER_MANAGED = ("id", "version", "created_at", "updated_at")
STALE_AFTER = timedelta(days=180)
TIER_RANK = {"public": 0, "restricted": 1, "confidential": 2}


def editable(doc: Document) -> Document:
    """A stored listing without its server-managed fields (what a client may send back)."""
    return {k: v for k, v in doc.items() if k not in SERVER_MANAGED}


def hides_only(field: str, old: Any, new: Any) -> bool:
    """Whether changing a sensitive ``field`` from ``old`` to ``new`` can only make the listing
    show less: a higher confidentiality tier, fewer capabilities, a service closed or
    reopened (but not a retired, ``inactive`` one brought back)."""
    if field == "confidentiality":
        return bool(TIER_RANK[new] > TIER_RANK[old])
    if field == "capabilities":
        return set(new) <= set(old)
    if field == "status":
        return bool(old != "inactive")
    return False


def split_sensitive(kind: str, current: Document, merged: Document) -> tuple[Document, Document]:
    """Split a provider's merged listing into what applies now and what waits for review.

    A change that :func:`hides_only` applies at once; every other change of a sensitive field
    is held back. Capabilities removed apply at once even when others added wait, and a
    stock-out of a capability that waits waits with it.
    """
    held: Document = {}
    applied = dict(merged)
    for field in SENSITIVE[kind]:
        old, new = current.get(field), merged.get(field)
        if new == old or hides_only(field, old, new):
            continue
        held[field] = new
        applied[field] = old
        if field == "capabilities":
            applied[field] = [c for c in old or () if c in (new or ())]
    if "capabilities" in held:
        stock_out = merged.get("stock_out", [])
        applied["stock_out"] = [c for c in stock_out if c in applied["capabilities"]]
        if applied["stock_out"] != stock_out:
            held["stock_out"] = stock_out
    return applied, held


def split_new_service(doc: Document) -> tuple[Document, Document]:
    """A provider's new service is stored retired (``inactive``) and its activation waits for
    a coordinator, with everything it claims (needs, capabilities, locations): a provider
    cannot do by creating what it cannot do by editing (GUIDE §4.9)."""
    if doc["status"] == "inactive":
        return doc, {}
    return {**doc, "status": "inactive"}, {"status": doc["status"]}


def queue_change(
    store: Store, kind: str, entity_id: str, base_version: int, changes: Document, actor: str
) -> Document:
    """Put sensitive changes in the moderation queue; returns the pending change."""
    submitted = utc_now()
    doc = {
        "id": str(uuid.uuid4()), "kind": kind, "entity_id": entity_id,
        "base_version": base_version, "changes": changes, "submitted_by": actor,
        "submitted_at": submitted, "status": "pending", "decided_by": None,
        "decided_at": None, "reason": None,
    }  # fmt: skip
    store.put_record(_pending_record(doc), None)
    return doc


def _pending_record(doc: Document) -> Record:
    return Record("pending_change", doc["id"], doc, key1=doc["status"], key2=doc["entity_id"],
                  sort=doc["submitted_at"])  # fmt: skip


def pending(store: Store, status: str = "pending", entity_id: str | None = None) -> list[Record]:
    """Pending (or decided) changes, oldest first."""
    return store.find_records("pending_change", key1=status, key2=entity_id, limit=1000)


def decide(store: Store, change_id: str, approve: bool, actor: str, reason: str) -> Document:
    """Approve (apply onto the current listing) or reject a pending change.

    Raises NotFound for an unknown or already decided change, and the store's errors
    (VersionConflict, BrokenReference) or a ValidationError if the change no longer applies.
    """
    record = store.get_record("pending_change", change_id)
    if record is None or record.doc["status"] != "pending":
        raise NotFound(change_id)
    change = record.doc
    if approve:
        current = store.get(change["kind"], change["entity_id"])
        if current is None:
            raise NotFound(change["entity_id"])
        merged = canonical(change["kind"], {**editable(current), **change["changes"]})
        store.update(change["kind"], change["entity_id"], merged, current["version"], actor)
    decided = {
        **change, "status": "approved" if approve else "rejected", "decided_by": actor,
        "decided_at": utc_now(), "reason": reason,
    }  # fmt: skip
    store.put_record(_pending_record(decided), record.version)
    return decided


def stamp(
    store: Store, kind: str, current: Document, field: str, version: int, actor: str
) -> Document:
    """Set ``last_verified_at`` or ``last_confirmed_at`` to now, as a new version."""
    merged = {**editable(current), field: utc_now()}
    return store.update(kind, current["id"], canonical(kind, merged), version, actor)


def revert(
    store: Store, kind: str, current: Document, to_version: int, version: int, actor: str
) -> Document:
    """Append a new version whose content is that of ``to_version`` (history is kept)."""
    old = next((c.new for c in store.history(kind, current["id"]) if c.version == to_version), None)
    if old is None:
        raise NotFound(f"version {to_version}")
    return store.update(kind, current["id"], canonical(kind, editable(old)), version, actor)


def is_stale(doc: Document, at: datetime | None = None) -> bool:
    """Never verified or confirmed, or not for :data:`STALE_AFTER`."""
    stamps = [doc.get("last_verified_at"), doc.get("last_confirmed_at")]
    latest = max((datetime.fromisoformat(s) for s in stamps if s), default=None)
    return latest is None or (at or datetime.now(UTC)) - latest > STALE_AFTER


def stale_listings(store: Store, kind: str | None = None) -> list[tuple[str, Document]]:
    """Every stale listing (of ``kind`` if given) as (kind, document), oldest verification
    first, never verified first of all. Reads the whole directory: a coordinator's page, not a
    search."""
    return stale_filtered(store, StaleFilter(kind=kind))[0]


@dataclass(frozen=True)
class StaleFilter:
    """Which stale listings a coordinator asks for; None (or empty) means any."""

    kind: str | None = None
    area: str | None = None
    """A province or territory P-code: a location in it, a service or organization with one."""
    need: str | None = None
    """Services meeting it (other kinds are left out when it is given)."""
    source: str | None = None


def stale_filtered(
    store: Store, wanted: StaleFilter
) -> tuple[list[tuple[str, Document]], set[str]]:
    """The stale listings ``wanted`` asks for, oldest verification first, and every source
    of the stale listings (for the filter's choices). One pass over the directory."""
    areas: dict[str, set[str]] = {}
    of_org: dict[str, set[str]] = {}
    stale, sources = [], set()
    for kind, doc in store.export():
        if kind == "location":
            found = {str(p) for p in (doc.get("adm1_pcode"), doc.get("adm2_pcode")) if p}
            areas[doc["id"]] = found
            of_org.setdefault(doc["organization_id"], set()).update(found)
        if is_stale(doc):
            stale.append((kind, doc))
            sources.add(str(doc.get("source") or ""))

    def place_of(kind: str, doc: Document) -> set[str]:
        if kind == "location":
            return areas.get(doc["id"], set())
        if kind == "service":
            return set().union(*(areas.get(i, set()) for i in doc.get("location_ids", ())))
        return of_org.get(doc["id"], set())

    chosen = [
        (kind, doc) for kind, doc in stale
        if (not wanted.kind or kind == wanted.kind)
        and (not wanted.need or (kind == "service" and wanted.need in doc.get("needs", ())))
        and (not wanted.source or str(doc.get("source") or "") == wanted.source)
        and (not wanted.area or wanted.area in place_of(kind, doc))
    ]  # fmt: skip
    chosen.sort(key=lambda item: (item[1].get("last_verified_at") or "", item[1]["id"]))
    return chosen, sources


def pending_json(record: Record | Document) -> dict[str, Any]:
    """A pending change as the API shows it."""
    return dict(record.doc if isinstance(record, Record) else record)
