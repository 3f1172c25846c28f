"""``import-hsds``: read HSDS 3.0 data, validate all of it, plan, then write.

Contract:

1. :func:`read_records` reads a JSON file (a list of full organizations or services, one such
   object, an HSDS API page ``{"contents": [...]}``, or the tabular format as JSON) or a CSV data
   package (a directory, or its ``datapackage.json``), and validates every record against the
   HSDS schemas. Problems name the record (or file and row) and the field.
2. :func:`directory.exchange.hsds.parsing.convert` turns the records into Njia listings, validated
by
   Njia's own schemas; problems again name the record and field.
3. :func:`plan` compares each listing with the directory: new, changed or unchanged. Ids are
   kept (an HSDS id that is not a UUID becomes a UUID 5 of it), so running the same import
   again changes nothing, and running a corrected file updates the listings it changed.
4. :func:`apply` writes. Into an empty directory the whole import is one transaction
   (``Store.import_all``); otherwise each listing is its own transaction (``create`` or a
   compare-and-set ``update``), in dependency order. If the database fails midway the listings
   written so far stay, :class:`ImportStopped` says how far it got, and running the same import
   again completes it.

Nothing is written unless steps 1–3 found no problem at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from directory.exchange.hsds import parsing, spec, tabular
from directory.store.base import Change, Document, StoreError
from directory.store.text import utc_now

Record = tuple[str, dict[str, Any], str]
MANAGED = ("id", "version", "created_at", "updated_at")
MAX_REPORTED = 100
NOT_LISTINGS = ("taxonomy", "taxonomy_term")


class ImportFailed(Exception):
    """The input cannot be imported; ``problems`` name record, row and field. Nothing written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems[:MAX_REPORTED] + (
            [f"... and {len(problems) - MAX_REPORTED} more"] if len(problems) > MAX_REPORTED else []
        )


class ImportStopped(Exception):
    """A store write failed after ``written`` listings were written (each one whole)."""

    def __init__(self, written: int, total: int, last: str, cause: Exception) -> None:
        super().__init__(f"stopped after {written} of {total} listings ({last}): {cause}")
        self.written, self.total, self.last, self.cause = written, total, last, cause


@dataclass
class Plan:
    """What an import will do: new listings, changed ones (with the version read), the rest."""

    creates: list[parsing.Listing] = field(default_factory=list)
    updates: list[tuple[parsing.Listing, int]] = field(default_factory=list)
    unchanged: int = 0
    notes: dict[str, int] = field(default_factory=dict)

    @property
    def writes(self) -> int:
        return len(self.creates) + len(self.updates)


def detect_kind(obj: dict[str, Any]) -> str:
    """Which HSDS object a top-level JSON record is."""
    if "openapi_url" in obj or "profile" in obj:
        return "api_information"
    if "location_type" in obj:
        return "location"
    if isinstance(obj.get("service"), dict):
        return "service_at_location"
    if "status" in obj:
        return "service"
    if any(k in obj for k in ("taxonomy_id", "taxonomy_detail", "code", "term_uri", "parent_id")):
        return "taxonomy_term"
    if "version" in obj:
        return "taxonomy"
    return "organization"


def read_records(path: Path, notes: dict[str, int]) -> list[Record]:
    """HSDS records from ``path``, each valid against its HSDS schema, or :class:`ImportFailed`."""
    errors: list[str] = []
    if path.is_dir() or path.name == "datapackage.json":
        directory = path if path.is_dir() else path.parent
        records = tabular.assemble(tabular.read_csv_package(directory, errors))
    else:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ImportFailed([f"{path.name}: not a JSON file ({exc})"]) from exc
        if isinstance(data, dict) and any(str(k).endswith(".csv") for k in data):
            records = tabular.assemble(tabular.read_tabular_json(data, errors))
        else:
            records = _json_records(data, errors)
    if errors:
        raise ImportFailed(errors)
    kept = []
    for kind, obj, origin in records:
        if kind in NOT_LISTINGS:
            notes[f"{kind} records (Njia serves its own taxonomies)"] = (
                notes.get(f"{kind} records (Njia serves its own taxonomies)", 0) + 1
            )
        else:
            kept.append((kind, obj, origin))
    return kept


def _json_records(data: Any, errors: list[str]) -> list[Record]:
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    items = data if isinstance(data, list) else [data]
    records = []
    for number, obj in enumerate(items, start=1):
        if not isinstance(obj, dict):
            errors.append(f"record {number}: not an HSDS object")
            continue
        kind = detect_kind(obj)
        origin = f"record {number} ({kind} {str(obj.get('name') or obj.get('id'))!r})"
        if kind == "api_information":
            errors.append(f"record {number}: API information, not directory data")
            continue
        problems = spec.problems(kind, obj)
        if kind == "organization":  # the uncompiled schema does not nest services
            for index, service in enumerate(obj.get("services") or []):
                for found in spec.problems("service", service):
                    inner = "" if found.path == "(record)" else "." + found.path
                    problems.append(spec.SchemaProblem(f"services[{index}]{inner}", found.message))
        errors += [f"{origin}: {p.path}: {p.message}" for p in problems]
        if not problems:
            records.append((kind, obj, origin))
    return records


def plan(store: Any, listings: list[parsing.Listing], notes: dict[str, int]) -> Plan:
    """Compare each listing with the directory (one read each)."""
    result = Plan(notes=notes)
    for listing in listings:
        current = store.get(listing.kind, listing.doc["id"])
        if current is None:
            result.creates.append(listing)
        elif {k: v for k, v in current.items() if k not in MANAGED} == _content(listing.doc):
            result.unchanged += 1
        else:
            result.updates.append((listing, current["version"]))
    return result


def _content(doc: Document) -> Document:
    return {k: v for k, v in doc.items() if k not in MANAGED}


def apply(
    store: Any, the_plan: Plan, actor: str, on_write: Callable[[], None] | None = None
) -> int:
    """Write the plan (see the module docstring); return the number of listings written."""
    if not the_plan.updates and not any(store.counts().values()):
        return _import_all(store, the_plan.creates, actor)
    done = 0
    last = "nothing yet"
    total = the_plan.writes
    created = {(listing.kind, listing.doc["id"]) for listing in the_plan.creates}
    later: list[parsing.Listing] = []

    def exists(org_id: str) -> bool:
        return ("organization", org_id) not in created or org_id in written_orgs

    written_orgs: set[str] = set()
    try:
        for listing in the_plan.creates:
            doc = listing.doc
            if listing.kind == "organization":
                agreements = doc["referral_agreements"]
                ready = [a for a in agreements if exists(a["organization_id"])]
                if len(ready) < len(agreements):
                    later.append(listing)
                    doc = {**doc, "referral_agreements": ready}
            last = f"{listing.kind} {doc['id']}"
            store.create(listing.kind, doc, actor)
            if listing.kind == "organization":
                written_orgs.add(doc["id"])
            done += 1
            if on_write:
                on_write()
        for listing, version in the_plan.updates:
            last = f"{listing.kind} {listing.doc['id']}"
            store.update(listing.kind, listing.doc["id"], listing.doc, version, actor)
            done += 1
            if on_write:
                on_write()
        for listing in later:
            last = f"organization {listing.doc['id']} (referral agreements)"
            store.update("organization", listing.doc["id"], listing.doc, 1, actor)
    except StoreError as exc:
        raise ImportStopped(done, total, last, exc) from exc
    return done


def _import_all(store: Any, creates: list[parsing.Listing], actor: str) -> int:
    now = utc_now()
    docs = []
    history = []
    for seq, listing in enumerate(creates, start=1):
        doc = {**listing.doc, "version": 1, "created_at": now, "updated_at": now}
        doc.update(listing.bookkeeping)
        docs.append((listing.kind, doc))
        history.append(
            Change(seq, listing.kind, doc["id"], doc["version"], "create", actor, now, None, doc)
        )
    try:
        return int(store.import_all(docs, history))
    except StoreError as exc:
        raise ImportStopped(0, len(docs), "one transaction, nothing written", exc) from exc
