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
from directory.store import sqlite_rows as w
from directory.store.base import (
    KINDS,
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
    link_id,
)
from directory.store.common import (
    bounding_box,
    change_of,
    check_collection,
    check_kind,
    covering_rows,
    first_version,
    located_rows,
    next_version,
    record_of,
)
from directory.store.documents import decode
from directory.store.sqlite_feed import COUNT_IMPORT, SqliteFeed
from directory.store.sqlite_schema import MIGRATIONS
from directory.store.text import fts_query


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


class SqliteStore(SqliteFeed):
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
        check_kind(kind)
        stored = first_version(doc)
        with self._tx(write=True) as conn:
            if conn.execute(q.EXISTS[kind], (doc["id"],)).fetchone():
                raise Conflict(f"{kind} {doc['id']} exists")
            w.check_references(conn, kind, stored)
            w.write(conn, kind, stored, insert=True)
            w.record(
                conn, kind, stored["id"], 1, "create", actor, stored["created_at"], None, stored
            )
        return stored

    def get(self, kind: str, entity_id: str) -> Document | None:
        """The stored document or None."""
        check_kind(kind)
        with self._tx() as conn:
            row = conn.execute(q.GET[kind], (entity_id,)).fetchone()
        return decode(row[0]) if row else None

    def update(
        self, kind: str, entity_id: str, doc: Document, expected_version: int, actor: str
    ) -> Document:
        """Compare-and-set replacement of a listing; see the Store protocol."""
        check_kind(kind)
        with self._tx(write=True) as conn:
            row = conn.execute(q.GET[kind], (entity_id,)).fetchone()
            if row is None:
                raise NotFound(entity_id)
            old = decode(row[0])
            stored = next_version(old, doc, entity_id, expected_version)
            w.check_references(conn, kind, stored)
            w.write(conn, kind, stored, insert=False)
            w.record(
                conn, kind, entity_id, stored["version"], "update", actor, stored["updated_at"],
                old, stored,
            )  # fmt: skip
        return stored

    def page(self, kind: str, query: ListQuery) -> Page:
        """Filtered, paged listings ordered by name then id."""
        check_kind(kind)
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
        check_kind(kind)
        with self._tx() as conn:
            rows = conn.execute(q.HISTORY, (kind, entity_id)).fetchall()
        return [change_of(r) for r in rows]

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
            partners = w.partners(conn, {r[3] for r in rows})
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
            partners = w.partners(conn, {r[4] for r in rows})
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
        yield from (change_of(r) for r in rows)

    def import_all(
        self, listings: Iterable[tuple[str, Document]], history: Iterable[Change] = ()
    ) -> int:
        """Load documents as given in one all-or-nothing transaction."""
        count = 0
        with self._tx(write=True) as conn:
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for kind, doc in listings:
                check_kind(kind)
                if conn.execute(q.EXISTS[kind], (doc["id"],)).fetchone():
                    raise Conflict(f"{kind} {doc['id']} exists")
                w.write(conn, kind, doc, insert=True)
                count += 1
            for kind, doc in _all_docs(conn):
                w.check_references(conn, kind, doc)
            for c in history:
                w.record(
                    conn, c.kind, c.entity_id, c.version, c.action, c.actor, c.at, c.old, c.new
                )
            conn.execute(COUNT_IMPORT)  # its changes may be numbered before the last one
        return count

    def counts(self) -> dict[str, int]:
        """Listings of each kind."""
        with self._tx() as conn:
            return {k: conn.execute(q.COUNT[k]).fetchone()[0] for k in KINDS}

    # -- records -----------------------------------------------------------------------

    def put_record(self, record: Record, expected_version: int | None) -> int:
        """Create or compare-and-set replace a record; see the Store protocol."""
        check_collection(record.collection)
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
        return record_of(row) if row else None

    def find_records(
        self, collection: str, key1: str | None = None, key2: str | None = None, limit: int = 200
    ) -> list[Record]:
        """Records with the given keys, by sort then id."""
        with self._tx() as conn:
            rows = conn.execute(
                q.RECORD_FIND, (collection, key1, key1, key2, key2, limit)
            ).fetchall()
        return [record_of(r) for r in rows]

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


def _all_docs(conn: sqlite3.Connection) -> Iterator[tuple[str, Document]]:
    for kind in KINDS:
        for (doc,) in conn.execute(q.EXPORT[kind]).fetchall():
            yield kind, decode(doc)


_NO_BOX = (1.0, -1.0, 1.0, -1.0)
"""A box no location is in (south above north)."""
