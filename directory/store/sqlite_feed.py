"""The SQLite store's change feed and located rows, for an in-process match index
(:mod:`directory.search.index`): what changed since a mark, and the rows of chosen services."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

from directory.store import sqlite_rows
from directory.store.base import CandidateRow
from directory.store.common import LocatedRows, located_rows

SERVICE_PAGE = "SELECT id FROM service WHERE id > ? ORDER BY id LIMIT ?"
SELECTED_SERVICES = """
SELECT id FROM service WHERE id IN (SELECT value FROM json_each(:services))
UNION SELECT id FROM service WHERE organization_id IN (SELECT value FROM json_each(:organizations))
UNION SELECT service_id FROM service_at_location
      WHERE location_id IN (SELECT value FROM json_each(:locations))
"""
LOCATED_ROWS = """
SELECT s.id, l.id, s.doc, o.id, o.doc, l.doc, s.remote
FROM service AS s
JOIN organization AS o ON o.id = s.organization_id
JOIN service_at_location AS sal ON sal.service_id = s.id
JOIN location AS l ON l.id = sal.location_id
WHERE s.id IN (SELECT value FROM json_each(?))
  AND s.status = 'active' AND o.status = 'active' AND s.remote = 0
ORDER BY s.id, l.id
"""
CHANGES_SINCE = "SELECT seq, kind, entity_id FROM change WHERE seq > ? ORDER BY seq LIMIT ?"
MARK = """
SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'imports'), 0),
       coalesce((SELECT max(seq) FROM change), 0)
"""
COUNT_IMPORT = """
INSERT INTO meta (key, value) VALUES ('imports', '1')
ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
"""


class SqliteFeed(LocatedRows):
    """:meth:`~directory.store.base.Store.change_mark`,
    :meth:`~directory.store.base.Store.changes_since` and
    :meth:`~directory.store.base.Store.located_candidates` for :class:`SqliteStore`."""

    _tx: Callable[..., AbstractContextManager[sqlite3.Connection]]

    def change_mark(self) -> tuple[int, int]:
        """(imports, last change); see the Store protocol."""
        with self._tx() as conn:
            imports, last = conn.execute(MARK).fetchone()
        return int(imports), int(last)

    def marked_candidates(
        self, service_ids: Iterable[str]
    ) -> tuple[tuple[int, int], list[CandidateRow]]:
        """The change mark and the located rows of ``service_ids``, of one snapshot; see the
        Store protocol."""
        chosen = sorted(set(service_ids))
        with self._tx() as conn:
            imports, last = conn.execute(MARK).fetchone()
            rows: list[Any] = conn.execute(LOCATED_ROWS, (json.dumps(chosen),)).fetchall()
            partners = sqlite_rows.partners(conn, {r[3] for r in rows})
        return (int(imports), int(last)), located_rows(rows, partners)

    def changes_since(self, seq: int, limit: int = 1000) -> list[tuple[int, str, str]]:
        """Changes after ``seq``, oldest first; see the Store protocol."""
        with self._tx() as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(CHANGES_SINCE, (seq, limit))]

    def _service_page(self, after: str, limit: int) -> list[str]:
        with self._tx() as conn:
            return [r[0] for r in conn.execute(SERVICE_PAGE, (after, limit))]

    def _selected_services(
        self, service_ids: list[str], organization_ids: list[str], location_ids: list[str]
    ) -> list[str]:
        selection = {"services": json.dumps(service_ids), "locations": json.dumps(location_ids),
                     "organizations": json.dumps(organization_ids)}  # fmt: skip
        with self._tx() as conn:
            return [r[0] for r in conn.execute(SELECTED_SERVICES, selection)]

    def _rows_of(self, service_ids: list[str]) -> list[CandidateRow]:
        with self._tx() as conn:
            rows: list[Any] = conn.execute(LOCATED_ROWS, (json.dumps(service_ids),)).fetchall()
            partners = sqlite_rows.partners(conn, {r[3] for r in rows})
        return located_rows(rows, partners)
