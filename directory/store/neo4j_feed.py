"""The Neo4j store's change feed and located rows, for an in-process match index
(:mod:`directory.search.index`): what changed since a mark, and the rows of chosen services."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import neo4j

from directory.store import neo4j_rows
from directory.store.base import CandidateRow
from directory.store.common import LocatedRows, located_rows

SERVICE_PAGE = "MATCH (s:Service) WHERE s.id > $after RETURN s.id ORDER BY s.id LIMIT $limit"
SELECTED_SERVICES = """
CALL () {
  MATCH (s:Service) WHERE s.id IN $services RETURN s.id AS id
  UNION
  MATCH (o:Organization)-[:PROVIDES]->(s:Service) WHERE o.id IN $organizations RETURN s.id AS id
  UNION
  MATCH (s:Service)-[:AT]->(l:Location) WHERE l.id IN $locations RETURN s.id AS id
}
RETURN id
"""
LOCATED_ROWS = """
MATCH (s:Service) WHERE s.id IN $ids AND s.status = 'active' AND NOT s.remote
MATCH (o:Organization)-[:PROVIDES]->(s)-[:AT]->(l:Location)
WHERE o.status = 'active'
RETURN s.id, l.id, s.doc, o.id, o.doc, l.doc, s.remote, o.refers_to
ORDER BY s.id, l.id
"""
CHANGES_SINCE = """
MATCH (c:Change) WHERE c.seq > $seq
RETURN c.seq, c.kind, c.entity_id ORDER BY c.seq LIMIT $limit
"""
MARK = """
OPTIONAL MATCH (i:NjiaMeta {key: 'imports'})
OPTIONAL MATCH (c:NjiaMeta {key: 'change_seq'})
RETURN coalesce(i.value, 0), coalesce(c.value, 0)
"""
MARKED_ROWS = """
CALL () {
  MATCH (s:Service) WHERE s.id IN $ids AND s.status = 'active' AND NOT s.remote
  MATCH (o:Organization)-[:PROVIDES]->(s)-[:AT]->(l:Location)
  WHERE o.status = 'active'
  RETURN collect([s.id, l.id, s.doc, o.id, o.doc, l.doc, s.remote, o.refers_to]) AS rows
}
OPTIONAL MATCH (i:NjiaMeta {key: 'imports'})
OPTIONAL MATCH (c:NjiaMeta {key: 'change_seq'})
RETURN coalesce(i.value, 0), coalesce(c.value, 0), rows
"""
"""The rows, then the mark (read last: a mark unchanged since the index's means no change
committed before the rows were read)."""
COUNT_IMPORT = "MERGE (m:NjiaMeta {key: 'imports'}) SET m.value = coalesce(m.value, 0) + 1"


class Neo4jFeed(LocatedRows):
    """:meth:`~directory.store.base.Store.change_mark`,
    :meth:`~directory.store.base.Store.changes_since` and
    :meth:`~directory.store.base.Store.located_candidates` for :class:`Neo4jStore`."""

    _run: Callable[..., Any]

    def change_mark(self) -> tuple[int, int]:
        """(imports, last change); see the Store protocol."""

        def work(tx: neo4j.ManagedTransaction) -> tuple[int, int]:
            imports, last = tx.run(MARK).single(strict=True)
            return int(imports), int(last)

        return self._run(False, work)  # type: ignore[no-any-return]

    def marked_candidates(
        self, service_ids: Iterable[str]
    ) -> tuple[tuple[int, int], list[CandidateRow]]:
        """The change mark and the located rows of ``service_ids`` in one statement (one round
        trip); see the Store protocol."""

        def work(tx: neo4j.ManagedTransaction) -> list[Any]:
            return tx.run(MARKED_ROWS, ids=sorted(set(service_ids))).single(strict=True).values()

        imports, last, found = self._run(False, work)
        found.sort(key=lambda r: (r[0], r[1]))
        partners = neo4j_rows.partners((r[3], r[7]) for r in found)
        return (int(imports), int(last)), located_rows([r[:7] for r in found], partners)

    def changes_since(self, seq: int, limit: int = 1000) -> list[tuple[int, str, str]]:
        """Changes after ``seq``, oldest first; see the Store protocol."""

        def work(tx: neo4j.ManagedTransaction) -> list[tuple[int, str, str]]:
            found = tx.run(CHANGES_SINCE, seq=seq, limit=limit).values()
            return [(int(r[0]), r[1], r[2]) for r in found]

        return self._run(False, work)  # type: ignore[no-any-return]

    def _service_page(self, after: str, limit: int) -> list[str]:
        def work(tx: neo4j.ManagedTransaction) -> list[str]:
            return [r[0] for r in tx.run(SERVICE_PAGE, after=after, limit=limit).values()]

        return self._run(False, work)  # type: ignore[no-any-return]

    def _selected_services(
        self, service_ids: list[str], organization_ids: list[str], location_ids: list[str]
    ) -> list[str]:
        selection = {"services": service_ids, "organizations": organization_ids,
                     "locations": location_ids}  # fmt: skip

        def work(tx: neo4j.ManagedTransaction) -> list[str]:
            return [r[0] for r in tx.run(SELECTED_SERVICES, selection).values()]

        return self._run(False, work)  # type: ignore[no-any-return]

    def _rows_of(self, service_ids: list[str]) -> list[CandidateRow]:
        def work(tx: neo4j.ManagedTransaction) -> list[list[Any]]:
            return tx.run(LOCATED_ROWS, ids=service_ids).values()

        rows = self._run(False, work)
        return located_rows([r[:7] for r in rows], neo4j_rows.partners((r[3], r[7]) for r in rows))
