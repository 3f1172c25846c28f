"""Rows into the SQLite store: how a listing is written (its row, index rows for points,
needs, areas and links, full-text entry and history), and the reference checks that keep the
graph whole."""

from __future__ import annotations

import json
import sqlite3

from directory.store import sqlite_queries as q
from directory.store.base import BrokenReference, Document, link_id
from directory.store.common import document_text


def exists(conn: sqlite3.Connection, kind: str, entity_id: str) -> bool:
    return conn.execute(q.EXISTS[kind], (entity_id,)).fetchone() is not None


def check_references(conn: sqlite3.Connection, kind: str, doc: Document) -> None:
    org_id = str(doc.get("organization_id"))
    if kind != "organization" and not exists(conn, "organization", org_id):
        raise BrokenReference("organization_id", f"no organization {org_id}")
    if kind == "service":
        for loc_id in doc.get("location_ids", []):
            row = conn.execute(q.LOCATION_OWNER, (loc_id,)).fetchone()
            if row is None or row[0] != org_id:
                raise BrokenReference("location_ids", f"no location {loc_id} of this organization")
    if kind == "organization":
        for agreement in doc.get("referral_agreements", []):
            partner = agreement["organization_id"]
            if partner == doc["id"] or not exists(conn, "organization", partner):
                raise BrokenReference(
                    "referral_agreements", f"no other organization {partner} to refer to"
                )


def write(conn: sqlite3.Connection, kind: str, doc: Document, insert: bool) -> None:
    """Write the document row, its index rows and its full-text entry."""
    text = document_text(doc) or ""
    entity_id = doc["id"]
    if kind == "organization":
        conn.execute(
            q.UPSERT_ORGANIZATION, (entity_id, doc["name"], doc["status"], doc["version"], text)
        )
        conn.execute("DELETE FROM referral WHERE from_id = ?", (entity_id,))
        conn.executemany(
            "INSERT OR IGNORE INTO referral (from_id, to_id) VALUES (?, ?)",
            [(entity_id, a["organization_id"]) for a in doc.get("referral_agreements", [])],
        )
    elif kind == "location":
        _write_location(conn, doc, text, insert)
    else:
        _write_service(conn, doc, text)
    rowid = conn.execute(q.ROWID[kind], (entity_id,)).fetchone()[0]
    conn.execute(q.FTS_DELETE[kind], (rowid,))
    conn.execute(q.FTS_INSERT[kind], (rowid, doc["name"], doc.get("description") or ""))


def _write_location(conn: sqlite3.Connection, doc: Document, text: str, insert: bool) -> None:
    values = (
        doc["organization_id"], doc["name"], doc["confidentiality"],
        doc.get("adm1_pcode"), doc.get("adm2_pcode"), doc["version"], text, doc["id"],
    )  # fmt: skip
    if insert:
        rid = conn.execute(q.INSERT_LOCATION, values).lastrowid
    else:
        conn.execute(q.UPDATE_LOCATION, values)
        rid = conn.execute("SELECT rid FROM location WHERE id = ?", (doc["id"],)).fetchone()[0]
    conn.execute("DELETE FROM location_rtree WHERE rid = ?", (rid,))
    if doc.get("latitude") is not None and doc.get("longitude") is not None:
        lat, lon = doc["latitude"], doc["longitude"]
        conn.execute(
            "INSERT INTO location_rtree (rid, min_lat, max_lat, min_lon, max_lon) "
            "VALUES (?, ?, ?, ?, ?)",
            (rid, lat, lat, lon, lon),
        )


def _write_service(conn: sqlite3.Connection, doc: Document, text: str) -> None:
    sid = doc["id"]
    conn.execute(
        q.UPSERT_SERVICE,
        (sid, doc["organization_id"], doc["name"], doc["status"], int(doc["remote"]),
         doc["version"], text),
    )  # fmt: skip
    for table in ("service_need", "service_area", "service_at_location"):
        conn.execute(q.DELETE_SERVICE_LINKS[table], (sid,))
    conn.executemany(
        "INSERT INTO service_need (need, service_id) VALUES (?, ?)",
        [(need, sid) for need in doc["needs"]],
    )
    conn.executemany(
        "INSERT INTO service_area (pcode, service_id) VALUES (?, ?)",
        [(pcode, sid) for pcode in doc.get("service_area", [])],
    )
    conn.executemany(
        "INSERT INTO service_at_location (location_id, service_id, link_id) VALUES (?, ?, ?)",
        [(loc, sid, link_id(sid, loc)) for loc in doc.get("location_ids", [])],
    )


def record(
    conn: sqlite3.Connection,
    kind: str,
    entity_id: str,
    version: int,
    action: str,
    actor: str,
    at: str,
    old: Document | None,
    new: Document | None,
) -> None:
    """Append one change to the history (never updated or deleted afterwards)."""
    values = (kind, entity_id, version, action, actor, at, document_text(old), document_text(new))
    conn.execute(q.RECORD_CHANGE, values)


def partners(conn: sqlite3.Connection, orgs: set[str]) -> dict[str, frozenset[str]]:
    """The organizations each of ``orgs`` has a referral agreement with (none: left out)."""
    partners: dict[str, set[str]] = {}
    if orgs:
        for from_id, to_id in conn.execute(q.REFERRALS_FROM, (json.dumps(sorted(orgs)),)):
            partners.setdefault(from_id, set()).add(to_id)
    return {org: frozenset(to) for org, to in partners.items()}
