"""The embedded store: one SQLite file, WAL mode, an R*Tree for points and FTS5 for text.

Each thread (and each process after a fork) gets its own connection. Every public method runs
in one short transaction; writes take the write lock up front (``BEGIN IMMEDIATE``) and wait
at most ``busy_timeout`` seconds for it, after which :class:`StoreUnavailable` is raised.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from directory.store import sqlite_queries as q
from directory.store.base import (
    KINDS,
    RECORD_COLLECTIONS,
    BrokenReference,
    CandidateRow,
    Change,
    Conflict,
    Document,
    ListQuery,
    NotFound,
    Page,
    Record,
    StoreUnavailable,
    Token,
    VersionConflict,
    bounding_box,
    covering_rows,
    decode,
    link_id,
    located_rows,
)
from directory.store.sqlite_schema import MIGRATIONS
from directory.store.text import fts_query, utc_now


def statements(script: str) -> list[str]:
    """The SQL statements of a migration script, each complete as SQLite parses it (a ``;``
    inside a string literal or a trigger body does not end one). ``executescript`` is not used:
    it commits first, and a migration must apply in the same transaction as its version."""
    found, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n\t;"):
                found.append(pending.strip())
            pending = ""
    if pending.strip(" \n\t;"):
        raise ValueError(f"incomplete SQL statement in a migration: {pending.strip()[:60]!r}")
    return found


class SqliteStore:
    """The :class:`~directory.store.base.Store` contract on one SQLite database file."""

    def __init__(self, path: str | Path, busy_timeout: float = 1.0, cache_mb: int = 64) -> None:
        """``cache_mb`` is each connection's page cache (SQLite's default is 2 MB): with the
        hot part of the directory in it, a candidate search reads no page from the OS."""
        self.path = str(path)
        self.busy_timeout = busy_timeout
        self.cache_kib = max(1, int(cache_mb)) * 1024
        self._local = threading.local()

    # -- connections and transactions -------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            # PRAGMA takes no parameters: the value is an int, formatted as one (:d).
            conn.execute(f"PRAGMA cache_size = -{self.cache_kib:d}")
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(str(exc)) from exc
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            raise Conflict(str(exc)) from exc
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
            self.close()
            raise StoreUnavailable(str(exc)) from exc

    def close(self) -> None:
        """Close this thread's connection; the next call reconnects."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with suppress(sqlite3.Error):
                conn.close()

    def init_schema(self) -> None:
        """Apply the migrations this database has not had yet."""
        with self._tx(write=True) as conn:
            conn.create_function("njia_link_id", 2, link_id, deterministic=True)
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            current = int(row[0]) if row else 0
            for number in range(current + 1, len(MIGRATIONS) + 1):
                for statement in statements(MIGRATIONS[number - 1]):
                    conn.execute(statement)
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(number),),
                )

    def schema_version(self) -> int:
        """The schema version of the database file (0 when uninitialised)."""
        with self._tx() as conn:
            has_meta = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
            ).fetchone()
            if not has_meta:
                return 0
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            return int(row[0]) if row else 0

    def ping(self) -> None:
        """Run a trivial query against the schema, or raise StoreUnavailable."""
        with self._tx() as conn:
            conn.execute("SELECT count(*) FROM meta").fetchone()

    # -- listings ----------------------------------------------------------------------

    def create(self, kind: str, doc: Document, actor: str) -> Document:
        """Insert version 1 of a listing; see the Store protocol."""
        _check_kind(kind)
        now = utc_now()
        stored = {**doc, "version": 1, "created_at": now, "updated_at": now}
        with self._tx(write=True) as conn:
            if conn.execute(q.EXISTS[kind], (doc["id"],)).fetchone():
                raise Conflict(f"{kind} {doc['id']} exists")
            _check_references(conn, kind, stored)
            _write(conn, kind, stored, insert=True)
            _record(conn, kind, stored["id"], 1, "create", actor, now, None, stored)
        return stored

    def get(self, kind: str, entity_id: str) -> Document | None:
        """The stored document or None."""
        _check_kind(kind)
        with self._tx() as conn:
            row = conn.execute(q.GET[kind], (entity_id,)).fetchone()
        return decode(row[0]) if row else None

    def update(
        self, kind: str, entity_id: str, doc: Document, expected_version: int, actor: str
    ) -> Document:
        """Compare-and-set replacement of a listing; see the Store protocol."""
        _check_kind(kind)
        with self._tx(write=True) as conn:
            row = conn.execute(q.GET[kind], (entity_id,)).fetchone()
            if row is None:
                raise NotFound(entity_id)
            old = decode(row[0])
            if old["version"] != expected_version:
                raise VersionConflict(old["version"])
            stored = {
                **doc,
                "id": entity_id,
                "version": old["version"] + 1,
                "created_at": old["created_at"],
                "updated_at": utc_now(),
            }
            _check_references(conn, kind, stored)
            _write(conn, kind, stored, insert=False)
            _record(
                conn, kind, entity_id, stored["version"], "update", actor, stored["updated_at"],
                old, stored,
            )  # fmt: skip
        return stored

    def page(self, kind: str, query: ListQuery) -> Page:
        """Filtered, paged listings ordered by name then id."""
        _check_kind(kind)
        fts = fts_query(query.text) if query.text else None
        if fts is not None and query.text_names_only:
            fts = f"name : ( {fts} )"  # an FTS5 column filter
        where, params = q.list_filters(kind, query, fts)
        with self._tx() as conn:
            total = conn.execute(q.COUNT[kind] + where, params).fetchone()[0]
            rows = conn.execute(
                q.SELECT_DOCS[kind] + where + q.ORDER_PAGE, [*params, query.limit, query.offset]
            ).fetchall()
        return Page([decode(r[0]) for r in rows], total)

    def history(self, kind: str, entity_id: str) -> list[Change]:
        """Every change of one listing, oldest first."""
        _check_kind(kind)
        with self._tx() as conn:
            rows = conn.execute(q.HISTORY, (kind, entity_id)).fetchall()
        return [_change(r) for r in rows]

    # -- matching ----------------------------------------------------------------------

    def candidates_near(
        self,
        lat: float,
        lon: float,
        radius_km: float,
        needs: Iterable[str],
        tiers: frozenset[str] = frozenset({"public"}),
        exclude_km: float | None = None,
    ) -> list[CandidateRow]:
        """Indexed box search around the point; see the Store protocol."""
        inner = bounding_box(lat, lon, exclude_km) if exclude_km is not None else _NO_BOX
        params = (
            *bounding_box(lat, lon, radius_km), *inner,
            json.dumps(sorted(set(needs))), json.dumps(sorted(tiers)),
        )  # fmt: skip
        with self._tx() as conn:
            rows = conn.execute(q.CANDIDATES_NEAR, params).fetchall()
            partners = _partners(conn, {r[3] for r in rows})
        return located_rows(rows, partners)

    def find_link(self, link: str) -> tuple[str, str] | None:
        """The (service, location) pair of a link id; see the Store protocol."""
        with self._tx() as conn:
            row = conn.execute(q.FIND_LINK, (link,)).fetchone()
        return (row[0], row[1]) if row else None

    def candidates_by_area(
        self, pcodes: Iterable[str], needs: Iterable[str], hotline_needs: Iterable[str] = ()
    ) -> list[CandidateRow]:
        """Remote and confidential-location services covering the areas; see the protocol."""
        needs = set(needs)
        params = {
            "pcodes": json.dumps(sorted(set(pcodes))),
            "needs": json.dumps(sorted(needs)),
            "remote_needs": json.dumps(sorted(needs | set(hotline_needs))),
        }
        with self._tx() as conn:
            rows = conn.execute(q.CANDIDATES_BY_AREA, params).fetchall()
            partners = _partners(conn, {r[4] for r in rows})
        return covering_rows(
            [(sid, name, remote, decode(needs), svc, oid, org, place)
             for sid, name, remote, svc, oid, org, needs, place in rows],
            partners,
        )  # fmt: skip

    # -- bulk --------------------------------------------------------------------------

    def export(self) -> Iterator[tuple[str, Document]]:
        """Every listing, kinds in dependency order, then by id."""
        with self._tx() as conn:
            rows = [(k, r[0]) for k in KINDS for r in conn.execute(q.EXPORT[k]).fetchall()]
        for kind, doc in rows:
            yield kind, decode(doc)

    def export_history(self) -> Iterator[Change]:
        """Every recorded change, oldest first."""
        with self._tx() as conn:
            rows = conn.execute(q.ALL_HISTORY).fetchall()
        yield from (_change(r) for r in rows)

    def import_all(
        self, listings: Iterable[tuple[str, Document]], history: Iterable[Change] = ()
    ) -> int:
        """Load documents as given in one all-or-nothing transaction."""
        count = 0
        with self._tx(write=True) as conn:
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for kind, doc in listings:
                _check_kind(kind)
                if conn.execute(q.EXISTS[kind], (doc["id"],)).fetchone():
                    raise Conflict(f"{kind} {doc['id']} exists")
                _write(conn, kind, doc, insert=True)
                count += 1
            for kind, doc in _all_docs(conn):
                _check_references(conn, kind, doc)
            for c in history:
                _record(conn, c.kind, c.entity_id, c.version, c.action, c.actor, c.at, c.old, c.new)
        return count

    def counts(self) -> dict[str, int]:
        """Listings of each kind."""
        with self._tx() as conn:
            return {k: conn.execute(q.COUNT[k]).fetchone()[0] for k in KINDS}

    # -- records -----------------------------------------------------------------------

    def put_record(self, record: Record, expected_version: int | None) -> int:
        """Create or compare-and-set replace a record; see the Store protocol."""
        _check_collection(record.collection)
        text = json.dumps(record.doc, ensure_ascii=False, sort_keys=True)
        keys = (record.key1, record.key2, record.sort, text)
        with self._tx(write=True) as conn:
            if expected_version is None:
                conn.execute(q.RECORD_INSERT, (record.collection, record.id, 1, *keys))
                return 1
            updated = conn.execute(
                q.RECORD_UPDATE,
                (expected_version + 1, *keys, record.collection, record.id, expected_version),
            ).rowcount
            if not updated:
                row = conn.execute(q.RECORD_GET, (record.collection, record.id)).fetchone()
                if row is None:
                    raise NotFound(record.id)
                raise VersionConflict(row[3])
            return expected_version + 1

    def get_record(self, collection: str, record_id: str) -> Record | None:
        """One record, or None."""
        with self._tx() as conn:
            row = conn.execute(q.RECORD_GET, (collection, record_id)).fetchone()
        return _record_row(row) if row else None

    def find_records(
        self, collection: str, key1: str | None = None, key2: str | None = None, limit: int = 200
    ) -> list[Record]:
        """Records with the given keys, by sort then id."""
        with self._tx() as conn:
            rows = conn.execute(
                q.RECORD_FIND, (collection, key1, key1, key2, key2, limit)
            ).fetchall()
        return [_record_row(r) for r in rows]

    def delete_record(self, collection: str, record_id: str) -> bool:
        """Delete one record."""
        with self._tx(write=True) as conn:
            return conn.execute(q.RECORD_DELETE, (collection, record_id)).rowcount > 0

    # -- tokens ------------------------------------------------------------------------

    def add_token(self, token: Token, secret_hash: str) -> None:
        """Store a token under its secret's hash."""
        with self._tx(write=True) as conn:
            conn.execute(
                q.ADD_TOKEN,
                (
                    token.id,
                    secret_hash,
                    token.role,
                    token.label,
                    token.organization_id,
                    token.user_id,
                ),
            )

    def token_for(self, secret_hash: str) -> Token | None:
        """The token with that secret hash, or None."""
        with self._tx() as conn:
            row = conn.execute(q.TOKEN_FOR, (secret_hash,)).fetchone()
        return Token(row[0], row[1], row[2], row[3], bool(row[4]), row[5]) if row else None

    def revoke_token(self, token_id: str) -> bool:
        """Mark a token revoked."""
        with self._tx(write=True) as conn:
            return conn.execute(q.REVOKE_TOKEN, (token_id,)).rowcount > 0


# -- helpers (all run inside a transaction) -----------------------------------------------


def _check_collection(collection: str) -> None:
    if collection not in RECORD_COLLECTIONS:
        raise ValueError(f"unknown record collection {collection!r}")


def _record_row(row: tuple) -> Record:  # type: ignore[type-arg]
    collection, record_id, doc, version, key1, key2, sort = row
    return Record(collection, record_id, decode(doc), version, key1, key2, sort)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")


def _exists(conn: sqlite3.Connection, kind: str, entity_id: str) -> bool:
    return conn.execute(q.EXISTS[kind], (entity_id,)).fetchone() is not None


def _check_references(conn: sqlite3.Connection, kind: str, doc: Document) -> None:
    org_id = str(doc.get("organization_id"))
    if kind != "organization" and not _exists(conn, "organization", org_id):
        raise BrokenReference("organization_id", f"no organization {org_id}")
    if kind == "service":
        for loc_id in doc.get("location_ids", []):
            row = conn.execute(q.LOCATION_OWNER, (loc_id,)).fetchone()
            if row is None or row[0] != org_id:
                raise BrokenReference("location_ids", f"no location {loc_id} of this organization")
    if kind == "organization":
        for agreement in doc.get("referral_agreements", []):
            partner = agreement["organization_id"]
            if partner == doc["id"] or not _exists(conn, "organization", partner):
                raise BrokenReference(
                    "referral_agreements", f"no other organization {partner} to refer to"
                )


def _write(conn: sqlite3.Connection, kind: str, doc: Document, insert: bool) -> None:
    """Write the document row, its index rows and its full-text entry."""
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
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


def _record(
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

    def dump(d: Document | None) -> str | None:
        return None if d is None else json.dumps(d, ensure_ascii=False, sort_keys=True)

    values = (kind, entity_id, version, action, actor, at, dump(old), dump(new))
    conn.execute(q.RECORD_CHANGE, values)


def _change(row: tuple) -> Change:  # type: ignore[type-arg]
    seq, kind, entity_id, version, action, actor, at, old, new = row
    return Change(
        seq, kind, entity_id, version, action, actor, at,
        decode(old) if old else None, decode(new) if new else None,
    )  # fmt: skip


def _all_docs(conn: sqlite3.Connection) -> Iterator[tuple[str, Document]]:
    for kind in KINDS:
        for (doc,) in conn.execute(q.EXPORT[kind]).fetchall():
            yield kind, decode(doc)


_NO_BOX = (1.0, -1.0, 1.0, -1.0)
"""A box no location is in (south above north)."""


def _partners(conn: sqlite3.Connection, orgs: set[str]) -> dict[str, frozenset[str]]:
    """The organizations each of ``orgs`` has a referral agreement with (none: left out)."""
    partners: dict[str, set[str]] = {}
    if orgs:
        for from_id, to_id in conn.execute(q.REFERRALS_FROM, (json.dumps(sorted(orgs)),)):
            partners.setdefault(from_id, set()).add(to_id)
    return {org: frozenset(to) for org, to in partners.items()}
