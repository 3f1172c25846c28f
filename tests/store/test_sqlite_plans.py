"""The SQLite store's hot queries use their indexes: a match reads the locations near the point
through the R*Tree, never every location of a tier (SQLite has no statistics to choose by, so
the query must fix the order itself)."""

from __future__ import annotations

import json

from directory.store import sqlite_queries as q
from directory.store.common import bounding_box
from directory.store.sqlite import SqliteStore


def _plan(store: SqliteStore, sql: str, params: object) -> list[str]:
    with store._tx() as conn:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


def test_the_nearby_search_starts_from_the_rtree(tmp_path):
    store = SqliteStore(tmp_path / "plan.sqlite3")
    store.init_schema()
    params = (*bounding_box(-1.68, 29.22, 8.0), *bounding_box(-1.68, 29.22, 2.0),
              json.dumps(["medical"]), json.dumps(["public"]))  # fmt: skip
    plan = _plan(store, q.CANDIDATES_NEAR, params)
    assert plan[0].startswith("SCAN r VIRTUAL TABLE INDEX 2:"), plan
    assert not any(step.startswith("SCAN") and " r " not in f" {step} " for step in plan[1:]
                   if "json_each" not in step), plan  # fmt: skip
    assert "SEARCH l USING INTEGER PRIMARY KEY (rowid=?)" in plan


def test_the_area_search_reads_areas_and_confidential_places_by_index(tmp_path):
    store = SqliteStore(tmp_path / "plan.sqlite3")
    store.init_schema()
    params = {"pcodes": json.dumps(["CD61"]), "needs": json.dumps(["medical"]),
              "remote_needs": json.dumps(["medical", "psychosocial"])}  # fmt: skip
    plan = _plan(store, q.CANDIDATES_BY_AREA, params)
    assert "SEARCH a USING PRIMARY KEY (pcode=?)" in plan
    assert "SEARCH l USING INDEX location_confidentiality (confidentiality=?)" in plan
    scans = [s for s in plan if s.startswith("SCAN") and "json_each" not in s]
    assert scans == ["SCAN c"], plan  # the materialised set of covering services, nothing else
