"""The production store on Neo4j 5: the graph of GUIDE §2, through the official driver.

One driver per process, created on first use (so after gunicorn forks) and closed by
:meth:`Neo4jStore.close`. Every public method is one managed transaction
(``execute_read``/``execute_write``); the transaction functions only read and write the
database, so the driver may safely run them again after a transient error. Retries stop after
about ``timeout`` seconds (half retrying, half connecting) and connection failures become
:class:`StoreUnavailable` (HTTP 503).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import neo4j
from neo4j import exceptions as neo4j_errors

from directory.store import neo4j_queries as q
from directory.store import neo4j_rows as w
from directory.store import neo4j_schema
from directory.store.base import (
    KINDS,
    RECORD_COLLECTIONS,
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
)
from directory.store.common import (
    bounding_box,
    change_of,
    check_kind,
    covering_rows,
    first_version,
    located_rows,
    next_version,
    record_of,
)
from directory.store.documents import decode
from directory.store.neo4j_feed import COUNT_IMPORT, Neo4jFeed

T = TypeVar("T")
UNAVAILABLE = (
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    neo4j_errors.TransientError,
    neo4j_errors.DatabaseUnavailable,
    neo4j_errors.DriverError,
    OSError,
)


class Neo4jStore(Neo4jFeed):
    """The :class:`~directory.store.base.Store` contract on a Neo4j 5 database."""

    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str = "neo4j",
        timeout: float = 5.0,
    ) -> None:
        self.uri, self.database, self.timeout = uri, database, timeout
        self._auth = (user, password or "") if user else None
        self._driver: neo4j.Driver | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    # -- driver and transactions -------------------------------------------------------

    def _get_driver(self) -> neo4j.Driver:
        if self._driver is None or self._pid != os.getpid():
            with self._lock:
                if self._driver is None or self._pid != os.getpid():
                    self._driver = neo4j.GraphDatabase.driver(
                        self.uri,
                        auth=self._auth,
                        connection_timeout=self.timeout / 2,
                        connection_acquisition_timeout=self.timeout / 2,
                        max_transaction_retry_time=self.timeout / 2,
                        liveness_check_timeout=0,
                        user_agent="njia",
                    )
                    self._pid = os.getpid()
        return self._driver

    def _run(self, write: bool, work: Callable[..., T], *args: Any) -> T:
        try:
            with self._get_driver().session(database=self.database) as session:
                run = session.execute_write if write else session.execute_read
                return run(work, *args)
        except neo4j_errors.ConstraintError as exc:
            raise Conflict(str(exc.message)) from exc
        except UNAVAILABLE as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    def close(self) -> None:
        """Close this process's driver; the next call opens a new one."""
        driver, self._driver = self._driver, None
        if driver is not None and self._pid == os.getpid():
            driver.close()

    def init_schema(self) -> None:
        """Create constraints and indexes, the area hierarchy and the need nodes; migrate
        (:func:`directory.store.neo4j_schema.migrate`)."""
        try:
            with self._get_driver().session(database=self.database) as session:
                for statement in q.SCHEMA:
                    session.run(statement).consume()
        except UNAVAILABLE as exc:
            raise StoreUnavailable(type(exc).__name__) from exc
        neo4j_schema.migrate(lambda work: self._run(True, work))

    def find_link(self, link: str) -> tuple[str, str] | None:
        """The (service, location) pair of a link id; see the Store protocol."""

        def work(tx: neo4j.ManagedTransaction) -> list[Any] | None:
            return tx.run(q.FIND_LINK, link_id=link).single()  # type: ignore[return-value]

        row = self._run(False, work)
        return (row[0], row[1]) if row else None

    def ping(self) -> None:
        """A trivial read with a short timeout."""

        @neo4j.unit_of_work(timeout=self.timeout)
        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run("RETURN 1").consume()

        self._run(False, work)

    # -- listings ----------------------------------------------------------------------

    def create(self, kind: str, doc: Document, actor: str) -> Document:
        """Insert version 1 of a listing; see the Store protocol."""
        check_kind(kind)
        stored = first_version(doc)
        now = stored["created_at"]

        def work(tx: neo4j.ManagedTransaction) -> Document:
            if tx.run(q.EXISTS[kind], id=doc["id"]).single() is not None:
                raise Conflict(f"{kind} {doc['id']} exists")
            w.write(tx, kind, [stored])
            w.record(tx, kind, stored["id"], 1, "create", actor, now, None, stored)
            return stored

        return self._run(True, work)

    def get(self, kind: str, entity_id: str) -> Document | None:
        """The stored document or None."""
        check_kind(kind)

        def work(tx: neo4j.ManagedTransaction) -> str | None:
            record = tx.run(q.GET[kind], id=entity_id).single()
            return record[0] if record else None

        text = self._run(False, work)
        return decode(text) if text else None

    def update(
        self, kind: str, entity_id: str, doc: Document, expected_version: int, actor: str
    ) -> Document:
        """Compare-and-set replacement of a listing; see the Store protocol."""
        check_kind(kind)

        def work(tx: neo4j.ManagedTransaction) -> Document:
            record = tx.run(q.GET_FOR_UPDATE[kind], id=entity_id).single()
            if record is None:
                raise NotFound(entity_id)
            old = decode(record[0])
            stored = next_version(old, doc, entity_id, expected_version)
            w.write(tx, kind, [stored])
            w.record(
                tx, kind, entity_id, stored["version"], "update", actor, stored["updated_at"],
                old, stored,
            )  # fmt: skip
            return stored

        return self._run(True, work)

    def page(self, kind: str, query: ListQuery) -> Page:
        """Filtered, paged listings ordered by name then id."""
        check_kind(kind)
        head, params = w.list_query(kind, query)

        def work(tx: neo4j.ManagedTransaction) -> Page:
            total = w.single(tx.run(head + q.COUNT_TAIL, params))
            rows = tx.run(head + q.PAGE_TAIL, params).values()
            return Page([decode(r[0]) for r in rows], total)

        return self._run(False, work)

    def history(self, kind: str, entity_id: str) -> list[Change]:
        """Every change of one listing, oldest first."""
        check_kind(kind)

        def work(tx: neo4j.ManagedTransaction) -> list[Change]:
            return [change_of(r) for r in tx.run(q.HISTORY, kind=kind, id=entity_id).values()]

        return self._run(False, work)

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
        """Point-index bounding-box search around the point; see the Store protocol."""
        south, north, west, east = bounding_box(lat, lon, radius_km, w.MAX_DLON)
        inner = (
            bounding_box(lat, lon, exclude_km, w.MAX_DLON)
            if exclude_km is not None
            else (None,) * 4
        )
        params = {
            "south": south, "north": north, "west": west, "east": east,
            "in_south": inner[0], "in_north": inner[1], "in_west": inner[2], "in_east": inner[3],
            "needs": sorted(set(needs)), "tiers": sorted(tiers),
        }  # fmt: skip

        def work(tx: neo4j.ManagedTransaction) -> list[list[Any]]:
            return tx.run(q.CANDIDATES_NEAR, params).values()

        rows = self._run(False, work)
        return located_rows([r[:7] for r in rows], w.partners((r[3], r[7]) for r in rows))

    def candidates_by_area(
        self, pcodes: Iterable[str], needs: Iterable[str], hotline_needs: Iterable[str] = ()
    ) -> list[CandidateRow]:
        """Remote and confidential-location services covering the areas; see the protocol."""
        needs = set(needs)
        params = {
            "pcodes": sorted(set(pcodes)),
            "needs": sorted(needs),
            "remote_needs": sorted(needs | set(hotline_needs)),
        }

        def work(tx: neo4j.ManagedTransaction) -> list[list[Any]]:
            return tx.run(q.CANDIDATES_BY_AREA, params).values()

        rows = self._run(False, work)
        return covering_rows(
            [(sid, name, remote, needs, svc, oid, org, places[0] if places else None)
             for sid, name, remote, svc, oid, org, _, needs, places in rows],
            w.partners((r[4], r[6]) for r in rows),
        )  # fmt: skip

    # -- bulk --------------------------------------------------------------------------

    def export(self) -> Iterator[tuple[str, Document]]:
        """Every listing, kinds in dependency order, then by id."""

        def work(tx: neo4j.ManagedTransaction) -> list[tuple[str, str]]:
            return [(k, r[0]) for k in KINDS for r in tx.run(q.EXPORT[k]).values()]

        for kind, text in self._run(False, work):
            yield kind, decode(text)

    def export_history(self) -> Iterator[Change]:
        """Every recorded change, oldest first."""

        def work(tx: neo4j.ManagedTransaction) -> list[Change]:
            return [change_of(r) for r in tx.run(q.ALL_HISTORY).values()]

        yield from self._run(False, work)

    def import_all(
        self, listings: Iterable[tuple[str, Document]], history: Iterable[Change] = ()
    ) -> int:
        """Load documents as given in one all-or-nothing transaction."""
        by_kind: dict[str, list[Document]] = {k: [] for k in KINDS}
        for kind, doc in listings:
            check_kind(kind)
            by_kind[kind].append(doc)
        changes = list(history)

        def work(tx: neo4j.ManagedTransaction) -> int:
            for kind in KINDS:
                found = tx.run(q.ANY_EXISTS[kind], ids=[d["id"] for d in by_kind[kind]]).single()
                if found is not None:
                    raise Conflict(f"{kind} {found[0]} exists")
                w.write(tx, kind, by_kind[kind], check=False)
            for kind in KINDS:
                w.check_references(tx, kind, [d["id"] for d in by_kind[kind]])
            w.record_all(tx, changes)
            tx.run(COUNT_IMPORT).consume()  # its changes may be numbered before the last one
            return sum(len(docs) for docs in by_kind.values())

        return self._run(True, work)

    def counts(self) -> dict[str, int]:
        """Listings of each kind."""

        def work(tx: neo4j.ManagedTransaction) -> dict[str, int]:
            return {k: w.single(tx.run(q.COUNT[k])) for k in KINDS}

        return self._run(False, work)

    # -- records -----------------------------------------------------------------------

    def put_record(self, record: Record, expected_version: int | None) -> int:
        """Create or compare-and-set replace a record; see the Store protocol."""
        if record.collection not in RECORD_COLLECTIONS:
            raise ValueError(f"unknown record collection {record.collection!r}")
        params = {
            "collection": record.collection, "id": record.id, "key1": record.key1,
            "key2": record.key2, "sort": record.sort, "expected": expected_version,
            "doc": json.dumps(record.doc, ensure_ascii=False, sort_keys=True),
        }  # fmt: skip

        def work(tx: neo4j.ManagedTransaction) -> int:
            if expected_version is None:
                tx.run(q.RECORD_CREATE, params).consume()
                return 1
            found = tx.run(q.RECORD_LOCK, params).single()
            if found is None:
                raise NotFound(record.id)
            if found[0] != expected_version:
                raise VersionConflict(found[0])
            tx.run(q.RECORD_UPDATE, params).consume()
            return expected_version + 1

        return self._run(True, work)

    def get_record(self, collection: str, record_id: str) -> Record | None:
        """One record, or None."""

        def work(tx: neo4j.ManagedTransaction) -> Record | None:
            row = tx.run(q.RECORD_GET, collection=collection, id=record_id).single()
            return record_of(list(row)) if row else None

        return self._run(False, work)

    def find_records(
        self, collection: str, key1: str | None = None, key2: str | None = None, limit: int = 200
    ) -> list[Record]:
        """Records with the given keys, by sort then id."""
        params = {"collection": collection, "key1": key1, "key2": key2, "limit": limit}

        def work(tx: neo4j.ManagedTransaction) -> list[Record]:
            return [record_of(r) for r in tx.run(q.RECORD_FIND, params).values()]

        return self._run(False, work)

    def delete_record(self, collection: str, record_id: str) -> bool:
        """Delete one record."""

        def work(tx: neo4j.ManagedTransaction) -> bool:
            return bool(w.single(tx.run(q.RECORD_DELETE, collection=collection, id=record_id)))

        return self._run(True, work)

    # -- tokens ------------------------------------------------------------------------

    def add_token(self, token: Token, secret_hash: str) -> None:
        """Store a token under its secret's hash."""

        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(
                q.ADD_TOKEN, id=token.id, hash=secret_hash, role=token.role, label=token.label,
                organization_id=token.organization_id, user_id=token.user_id,
            ).consume()  # fmt: skip

        self._run(True, work)

    def token_for(self, secret_hash: str) -> Token | None:
        """The token with that secret hash, or None."""

        def work(tx: neo4j.ManagedTransaction) -> Token | None:
            r = tx.run(q.TOKEN_FOR, hash=secret_hash).single()
            return Token(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) if r else None

        return self._run(False, work)

    def revoke_token(self, token_id: str) -> bool:
        """Mark a token revoked."""

        def work(tx: neo4j.ManagedTransaction) -> bool:
            return tx.run(q.REVOKE_TOKEN, id=token_id).single() is not None

        return self._run(True, work)
