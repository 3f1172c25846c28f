"""Rows in and out of the Neo4j store: listings written as batches of rows (nodes,
relationships, history) with the reference checks that keep the graph whole, list queries
built from constant fragments, and the values read back (referral partners)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import neo4j

from directory.store import neo4j_queries as q
from directory.store.base import BrokenReference, Change, Document, ListQuery, link_id
from directory.store.common import document_text
from directory.store.text import search_words


def row(kind: str, doc: Document) -> dict[str, Any]:
    """The node properties and link lists of one document, as query parameters."""
    row = {
        "id": doc["id"],
        "name": doc["name"],
        "description": doc.get("description") or "",
        "version": doc["version"],
        "doc": document_text(doc),
        "organization_id": doc.get("organization_id"),
        "status": doc.get("status"),
    }
    if kind == "organization":
        agreements = doc.get("referral_agreements", [])
        row["agreements"] = agreements
        row["refers_to"] = [a["organization_id"] for a in agreements]
    elif kind == "location":
        row.update(
            confidentiality=doc["confidentiality"], adm1=doc.get("adm1_pcode"),
            adm2=doc.get("adm2_pcode"), latitude=doc["latitude"], longitude=doc["longitude"],
        )  # fmt: skip
    else:
        row.update(
            remote=bool(doc["remote"]), needs=doc["needs"],
            service_area=doc.get("service_area", []), location_ids=doc.get("location_ids", []),
            links=[{"location_id": lid, "link_id": link_id(doc["id"], lid)}
                   for lid in doc.get("location_ids", [])],
        )  # fmt: skip
    return row


def write(
    tx: neo4j.ManagedTransaction, kind: str, docs: list[Document], check: bool = True
) -> None:
    if docs:
        tx.run(q.WRITE[kind], rows=[row(kind, d) for d in docs]).consume()
        if check:
            check_references(tx, kind, [d["id"] for d in docs])


def check_references(tx: neo4j.ManagedTransaction, kind: str, ids: list[str]) -> None:
    """Raise BrokenReference (aborting the transaction) for a dangling or foreign link."""
    if not ids:
        return
    if kind in q.MISSING_ORGANIZATION:
        hit = tx.run(q.MISSING_ORGANIZATION[kind], ids=ids).single()
        if hit is not None:
            raise BrokenReference("organization_id", f"no organization {hit[0]}")
    if kind == "service":
        hit = tx.run(q.FOREIGN_LOCATION, ids=ids).single()
        if hit is not None:
            raise BrokenReference("location_ids", f"no location {hit[0]} of this organization")
    if kind == "organization":
        hit = tx.run(q.MISSING_PARTNER, ids=ids).single()
        if hit is not None:
            raise BrokenReference(
                "referral_agreements", f"no other organization {hit[0]} to refer to"
            )


def record(
    tx: neo4j.ManagedTransaction,
    kind: str,
    entity_id: str,
    version: int,
    action: str,
    actor: str,
    at: str,
    old: Document | None,
    new: Document | None,
    seq: int | None = None,
) -> None:
    """Append one change (numbered by a counter node, so history has one total order)."""

    if seq is None:
        seq = single(tx.run(q.NEXT_SEQ))
    else:
        tx.run(q.RAISE_SEQ, seq=seq).consume()
    tx.run(
        q.RECORD_CHANGE[kind], seq=seq, kind=kind, entity_id=entity_id, version=version,
        action=action, actor=actor, at=at, old=document_text(old), new=document_text(new),
    ).consume()  # fmt: skip


def record_all(tx: neo4j.ManagedTransaction, changes: list[Change]) -> None:
    """Append imported changes with their own numbers, in batches of one kind (``UNWIND``),
    and raise the counter past the last of them."""
    for kind in q.LABEL:
        batch = [{"seq": c.seq, "kind": c.kind, "entity_id": c.entity_id, "version": c.version,
                  "action": c.action, "actor": c.actor, "at": c.at, "old": document_text(c.old),
                  "new": document_text(c.new)} for c in changes if c.kind == kind]  # fmt: skip
        if batch:
            tx.run(q.RECORD_CHANGES[kind], changes=batch).consume()
    if changes:
        tx.run(q.RAISE_SEQ, seq=max(c.seq for c in changes)).consume()


def single(result: neo4j.Result) -> Any:
    """The one value of a query that always returns exactly one row."""
    record = result.single(strict=True)
    return record[0]


def list_query(kind: str, query: ListQuery) -> tuple[str, dict[str, Any]]:
    """The MATCH/WHERE head of a list query and its parameters, from constant fragments."""
    words = search_words(query.text) if query.text else None
    params: dict[str, Any] = {
        "organization_id": query.organization_id,
        "status": query.status,
        "need": query.need,
        "area": query.area,
        "tiers": sorted(query.tiers) if query.tiers is not None else None,
        "offset": query.offset,
        "limit": query.limit,
        "text": " AND ".join(w + "*" for w in words) if words else None,
    }
    if query.text is not None and not words:
        params["text"] = "njia_no_such_word_"
    if params["text"] and query.text_names_only:
        params["text"] = f"name:({params['text']})"  # a Lucene field query
    head = (q.LIST_TEXT_START if params["text"] else q.LIST_START)[kind]
    clauses = [
        fragment
        for name, fragments in q.FILTERS.items()
        if (fragment := fragments.get(kind)) and params[name]
    ]
    if kind == "service" and query.area and params["tiers"] is None:
        params["tiers"] = ["confidential", "public", "restricted"]
    if clauses:
        head += (" AND " if params["text"] else " WHERE ") + " AND ".join(clauses)
    return head, params


MAX_DLON = 179.0
"""Neo4j's boxes span less than the whole globe in longitude."""


def partners(orgs: Iterable[tuple[str, list[str] | None]]) -> dict[str, frozenset[str]]:
    """Each organization's referral partners, from ``(id, refers_to)`` pairs."""
    return {org_id: frozenset(refers_to or ()) for org_id, refers_to in orgs}
