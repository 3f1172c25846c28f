"""The embedded store's SQL: literal strings with parameters, chosen from allow-lists by kind.

Lists of values (needs, tiers, P-codes, ids) are passed as one JSON array parameter and
expanded with ``json_each``, so no SQL is ever assembled from user input. The few strings built
with an f-string only insert table names from the ``TABLE`` allow-list (hence the ``nosec``).
"""

from __future__ import annotations

import json
from typing import Any

from directory.store.base import ListQuery

TABLE = {"organization": "organization", "location": "location", "service": "service"}

EXISTS = {k: f"SELECT 1 FROM {t} WHERE id = ?" for k, t in TABLE.items()}  # noqa: S608  # nosec B608
GET = {k: f"SELECT doc FROM {t} WHERE id = ?" for k, t in TABLE.items()}  # noqa: S608  # nosec B608
COUNT = {k: f"SELECT count(*) FROM {t} AS x" for k, t in TABLE.items()}  # noqa: S608  # nosec B608
SELECT_DOCS = {k: f"SELECT x.doc FROM {t} AS x" for k, t in TABLE.items()}  # noqa: S608  # nosec B608
EXPORT = {k: f"SELECT doc FROM {t} ORDER BY id" for k, t in TABLE.items()}  # noqa: S608  # nosec B608
ORDER_PAGE = " ORDER BY x.name, x.id LIMIT ? OFFSET ?"
ROWID = {k: f"SELECT rowid FROM {t} WHERE id = ?" for k, t in TABLE.items()}  # noqa: S608  # nosec B608
FTS_DELETE = {k: f"DELETE FROM {t}_fts WHERE rowid = ?" for k, t in TABLE.items()}  # noqa: S608  # nosec B608
FTS_INSERT = {
    k: f"INSERT INTO {t}_fts (rowid, name, description) VALUES (?, ?, ?)"  # noqa: S608  # nosec B608
    for k, t in TABLE.items()
}

UPSERT_ORGANIZATION = """
INSERT INTO organization (id, name, status, version, doc) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    name = excluded.name, status = excluded.status, version = excluded.version, doc = excluded.doc
"""
INSERT_LOCATION = """
INSERT INTO location (organization_id, name, confidentiality, adm1, adm2, version, doc, id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
UPDATE_LOCATION = """
UPDATE location SET organization_id = ?, name = ?, confidentiality = ?, adm1 = ?, adm2 = ?,
    version = ?, doc = ?
WHERE id = ?
"""
UPSERT_SERVICE = """
INSERT INTO service (id, organization_id, name, status, remote, version, doc)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    organization_id = excluded.organization_id, name = excluded.name, status = excluded.status,
    remote = excluded.remote, version = excluded.version, doc = excluded.doc
"""
DELETE_SERVICE_LINKS = {
    "service_need": "DELETE FROM service_need WHERE service_id = ?",
    "service_area": "DELETE FROM service_area WHERE service_id = ?",
    "service_at_location": "DELETE FROM service_at_location WHERE service_id = ?",
}
LOCATION_OWNER = "SELECT organization_id FROM location WHERE id = ?"

RECORD_CHANGE = """
INSERT INTO change (kind, entity_id, version, action, actor, at, old, new)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
HISTORY = """
SELECT seq, kind, entity_id, version, action, actor, at, old, new FROM change
WHERE kind = ? AND entity_id = ? ORDER BY seq
"""
ALL_HISTORY = """
SELECT seq, kind, entity_id, version, action, actor, at, old, new FROM change ORDER BY seq
"""

CANDIDATES_NEAR = """
SELECT s.id, l.id, s.doc, o.id, o.doc, l.doc, s.remote
FROM location_rtree AS r
CROSS JOIN location AS l ON l.rid = r.rid
JOIN service_at_location AS sal ON sal.location_id = l.id
JOIN service AS s ON s.id = sal.service_id
JOIN organization AS o ON o.id = s.organization_id
WHERE r.min_lat >= ? AND r.max_lat <= ? AND r.min_lon >= ? AND r.max_lon <= ?
  AND NOT (r.min_lat >= ? AND r.max_lat <= ? AND r.min_lon >= ? AND r.max_lon <= ?)
  AND s.status = 'active' AND o.status = 'active'
  AND EXISTS (SELECT 1 FROM service_need AS n
              WHERE n.service_id = sal.service_id AND n.need IN (SELECT value FROM json_each(?)))
  AND l.confidentiality IN (SELECT value FROM json_each(?))
"""
# CROSS JOIN makes the R*Tree drive the join: without statistics SQLite otherwise scans every
# location of the tier and probes the R*Tree for each (130 ms instead of 2 ms at 100k;
# tests/store/test_sqlite_plans.py). The need is checked on sal.service_id so that SQLite
# checks it before it reads the service.
CANDIDATES_BY_AREA = """
WITH covering (service_id) AS (
  SELECT a.service_id FROM service_area AS a WHERE a.pcode IN (SELECT value FROM json_each(:pcodes))
  UNION
  SELECT sal.service_id
  FROM location AS l JOIN service_at_location AS sal ON sal.location_id = l.id
  WHERE l.confidentiality = 'confidential'
    AND NOT EXISTS (SELECT 1 FROM service_area AS e WHERE e.service_id = sal.service_id)
)
SELECT s.id, s.name, s.remote, s.doc, o.id, o.doc,
       (SELECT json_group_array(need) FROM service_need WHERE service_id = s.id),
       (SELECT l.doc FROM service_at_location AS sal JOIN location AS l ON l.id = sal.location_id
        WHERE sal.service_id = s.id AND l.confidentiality = 'confidential'
        ORDER BY l.id LIMIT 1)
FROM covering AS c
JOIN service AS s ON s.id = c.service_id
JOIN organization AS o ON o.id = s.organization_id
WHERE s.status = 'active' AND o.status = 'active'
  AND EXISTS (SELECT 1 FROM service_need AS n
              WHERE n.service_id = s.id AND n.need IN (
                SELECT value FROM json_each(CASE WHEN s.remote THEN :remote_needs ELSE :needs END)))
  AND (s.remote = 1 OR EXISTS (
        SELECT 1 FROM service_at_location AS sal JOIN location AS l ON l.id = sal.location_id
        WHERE sal.service_id = s.id AND l.confidentiality = 'confidential'))
"""
FIND_LINK = "SELECT service_id, location_id FROM service_at_location WHERE link_id = ?"
REFERRALS_FROM = """
SELECT from_id, to_id FROM referral WHERE from_id IN (SELECT value FROM json_each(?))
"""

ADD_TOKEN = """
INSERT INTO api_token (id, secret_hash, role, label, organization_id, user_id)
VALUES (?, ?, ?, ?, ?, ?)
"""
TOKEN_FOR = """
SELECT id, role, label, organization_id, revoked, user_id FROM api_token WHERE secret_hash = ?
"""
REVOKE_TOKEN = "UPDATE api_token SET revoked = 1 WHERE id = ?"

# -- list filters: constant fragments; list_filters picks and joins them ----------------------

_SIMPLE_FILTERS: dict[str, dict[str, str]] = {
    "organization_id": {
        "location": "x.organization_id = ?",
        "service": "x.organization_id = ?",
        "organization": "x.id = ?",
    },
    "status": {"organization": "x.status = ?", "service": "x.status = ?"},
    "need": {"service": "x.id IN (SELECT service_id FROM service_need WHERE need = ?)"},
    "text": {
        k: f"x.rowid IN (SELECT rowid FROM {t}_fts WHERE {t}_fts MATCH ?)"  # noqa: S608  # nosec B608
        for k, t in TABLE.items()
    },
}
_LOCATION_AREA = "(x.adm1 = ? OR x.adm2 = ?)"
_SERVICE_AREA = """(x.id IN (
    SELECT sal.service_id FROM service_at_location AS sal
    JOIN location AS l ON l.id = sal.location_id
    WHERE (l.adm1 = ? OR l.adm2 = ?) AND l.confidentiality IN (SELECT value FROM json_each(?)))
  OR x.id IN (SELECT service_id FROM service_area WHERE pcode = ?))"""
_LOCATION_TIERS = "x.confidentiality IN (SELECT value FROM json_each(?))"
ALL_TIERS = ("confidential", "public", "restricted")


def list_filters(kind: str, query: ListQuery, fts: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause and its parameters for a list query, built from constant fragments.

    Filters that do not apply to ``kind`` are ignored. ``fts`` is the already-escaped
    full-text query for ``query.text``.
    """
    clauses: list[str] = []
    params: list[Any] = []
    values = {
        "organization_id": query.organization_id,
        "status": query.status,
        "need": query.need,
        "text": fts,
    }
    for name, value in values.items():
        fragment = _SIMPLE_FILTERS[name].get(kind)
        if fragment and value is not None:
            clauses.append(fragment)
            params.append(value)
    tiers = json.dumps(sorted(query.tiers if query.tiers is not None else ALL_TIERS))
    if query.area is not None and kind == "location":
        clauses.append(_LOCATION_AREA)
        params += [query.area, query.area]
    if query.area is not None and kind == "service":
        clauses.append(_SERVICE_AREA)
        params += [query.area, query.area, tiers, query.area]
    if query.tiers is not None and kind == "location":
        clauses.append(_LOCATION_TIERS)
        params.append(tiers)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


RECORD_GET = """
SELECT collection, id, doc, version, key1, key2, sort FROM record WHERE collection = ? AND id = ?
"""
RECORD_INSERT = """
INSERT INTO record (collection, id, version, key1, key2, sort, doc) VALUES (?, ?, ?, ?, ?, ?, ?)
"""
RECORD_UPDATE = """
UPDATE record SET version = ?, key1 = ?, key2 = ?, sort = ?, doc = ?
WHERE collection = ? AND id = ? AND version = ?
"""
RECORD_FIND = """
SELECT collection, id, doc, version, key1, key2, sort FROM record
WHERE collection = ? AND (? IS NULL OR key1 = ?) AND (? IS NULL OR key2 = ?)
ORDER BY sort, id LIMIT ?
"""
RECORD_DELETE = "DELETE FROM record WHERE collection = ? AND id = ?"
