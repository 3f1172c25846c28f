"""The Neo4j store's Cypher: literal strings with parameters, chosen from allow-lists by kind.

Labels cannot be parameters in Cypher, so each query exists once per label, built here at import
time from constants; nothing from a request is ever put into a query string.
"""

from __future__ import annotations

LABEL = {"organization": "Organization", "location": "Location", "service": "Service"}

SCHEMA = (
    "CREATE CONSTRAINT organization_id IF NOT EXISTS FOR (x:Organization) REQUIRE x.id IS UNIQUE",
    "CREATE CONSTRAINT location_id IF NOT EXISTS FOR (x:Location) REQUIRE x.id IS UNIQUE",
    "CREATE CONSTRAINT service_id IF NOT EXISTS FOR (x:Service) REQUIRE x.id IS UNIQUE",
    "CREATE CONSTRAINT need_code IF NOT EXISTS FOR (x:Need) REQUIRE x.code IS UNIQUE",
    "CREATE CONSTRAINT area_pcode IF NOT EXISTS FOR (x:Area) REQUIRE x.pcode IS UNIQUE",
    "CREATE CONSTRAINT token_id IF NOT EXISTS FOR (x:ApiToken) REQUIRE x.id IS UNIQUE",
    "CREATE CONSTRAINT token_hash IF NOT EXISTS FOR (x:ApiToken) REQUIRE x.secret_hash IS UNIQUE",
    "CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (x:Change) REQUIRE x.seq IS UNIQUE",
    "CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (x:NjiaMeta) REQUIRE x.key IS UNIQUE",
    "CREATE CONSTRAINT record_id IF NOT EXISTS FOR (x:Record) REQUIRE x.id IS UNIQUE",
    "CREATE INDEX record_key1 IF NOT EXISTS FOR (x:Record) ON (x.collection, x.key1)",
    "CREATE INDEX record_key2 IF NOT EXISTS FOR (x:Record) ON (x.collection, x.key2)",
    "CREATE POINT INDEX location_point IF NOT EXISTS FOR (x:Location) ON (x.point)",
    "CREATE INDEX location_adm1 IF NOT EXISTS FOR (x:Location) ON (x.adm1)",
    "CREATE INDEX location_adm2 IF NOT EXISTS FOR (x:Location) ON (x.adm2)",
    "CREATE INDEX location_tier IF NOT EXISTS FOR (x:Location) ON (x.confidentiality)",
    "CREATE INDEX organization_name IF NOT EXISTS FOR (x:Organization) ON (x.name)",
    "CREATE INDEX location_name IF NOT EXISTS FOR (x:Location) ON (x.name)",
    "CREATE INDEX service_name IF NOT EXISTS FOR (x:Service) ON (x.name)",
    "CREATE INDEX change_entity IF NOT EXISTS FOR (x:Change) ON (x.kind, x.entity_id)",
    "CREATE INDEX at_link_id IF NOT EXISTS FOR ()-[r:AT]-() ON (r.link_id)",
    "CREATE FULLTEXT INDEX listing_text IF NOT EXISTS FOR (x:Organization|Location|Service) "
    "ON EACH [x.name, x.description] "
    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}",
)
SCHEMA_VERSION = 2
"""1: the graph; 2: every AT relationship carries its ``link_id``."""
LINK_ID_VERSION = 2

AREAS = """
UNWIND $areas AS row
MERGE (a:Area {pcode: row.pcode}) SET a.name = row.name, a.level = row.level
WITH a, row WHERE row.parent IS NOT NULL
MERGE (p:Area {pcode: row.parent})
MERGE (a)-[:PART_OF]->(p)
"""
NEEDS = "UNWIND $codes AS code MERGE (:Need {code: code})"
SET_VERSION = "MERGE (m:NjiaMeta {key: 'schema_version'}) SET m.value = $version"
GET_VERSION = "MATCH (m:NjiaMeta {key: 'schema_version'}) RETURN m.value"

EXISTS = {k: "MATCH (x:" + lb + " {id: $id}) RETURN x.id" for k, lb in LABEL.items()}
ANY_EXISTS = {
    k: "MATCH (x:" + lb + ") WHERE x.id IN $ids RETURN x.id LIMIT 1" for k, lb in LABEL.items()
}
GET = {k: "MATCH (x:" + lb + " {id: $id}) RETURN x.doc" for k, lb in LABEL.items()}
# Neo4j reads without locking (read committed): a compare-and-set must take the node's write
# lock before it reads the version, or two writers can both pass the check. The WRITE queries
# remove the marker again, so nothing of it is left after commit.
GET_FOR_UPDATE = {
    k: "MATCH (x:" + lb + " {id: $id}) SET x._lock = true RETURN x.doc" for k, lb in LABEL.items()
}
COUNT = {k: "MATCH (x:" + lb + ") RETURN count(x)" for k, lb in LABEL.items()}
EXPORT = {k: "MATCH (x:" + lb + ") RETURN x.doc ORDER BY x.id" for k, lb in LABEL.items()}

WRITE_ORGANIZATIONS = """
UNWIND $rows AS row
MERGE (o:Organization {id: row.id})
SET o.name = row.name, o.description = row.description, o.status = row.status,
    o.version = row.version, o.doc = row.doc, o.refers_to = row.refers_to
REMOVE o._lock
WITH o, row
CALL (o) { MATCH (o)-[r:REFERS_TO]->() DELETE r }
CALL (o, row) {
  UNWIND row.agreements AS agreement
  MATCH (p:Organization {id: agreement.organization_id})
  MERGE (o)-[r:REFERS_TO]->(p) SET r.since = agreement.since, r.note = agreement.note
}
"""
WRITE_LOCATIONS = """
UNWIND $rows AS row
MERGE (l:Location {id: row.id})
SET l.organization_id = row.organization_id, l.name = row.name,
    l.description = row.description, l.confidentiality = row.confidentiality,
    l.adm1 = row.adm1, l.adm2 = row.adm2, l.version = row.version, l.doc = row.doc,
    l.point = point({latitude: row.latitude, longitude: row.longitude})
REMOVE l._lock
WITH l, row
CALL (l) { MATCH (l)-[r:IN]->() DELETE r }
CALL (l, row) {
  MATCH (a:Area) WHERE a.pcode = coalesce(row.adm2, row.adm1)
  MERGE (l)-[:IN]->(a)
}
"""
WRITE_SERVICES = """
UNWIND $rows AS row
MERGE (s:Service {id: row.id})
SET s.organization_id = row.organization_id, s.name = row.name,
    s.description = row.description, s.status = row.status, s.remote = row.remote,
    s.version = row.version, s.doc = row.doc, s.location_ids = row.location_ids
REMOVE s._lock
WITH s, row
CALL (s) { MATCH ()-[r:PROVIDES]->(s) DELETE r }
CALL (s) { MATCH (s)-[r:MEETS|COVERS|AT]->() DELETE r }
CALL (s, row) { MATCH (o:Organization {id: row.organization_id}) MERGE (o)-[:PROVIDES]->(s) }
CALL (s, row) { UNWIND row.needs AS code MERGE (n:Need {code: code}) MERGE (s)-[:MEETS]->(n) }
CALL (s, row) {
  UNWIND row.service_area AS pcode MERGE (a:Area {pcode: pcode}) MERGE (s)-[:COVERS]->(a)
}
CALL (s, row) {
  UNWIND row.links AS link MATCH (l:Location {id: link.location_id})
  MERGE (s)-[at:AT]->(l) SET at.link_id = link.link_id
}
"""
LINKS_WITHOUT_ID = """
MATCH (s:Service)-[r:AT]->(l:Location) WHERE r.link_id IS NULL RETURN s.id, l.id LIMIT 5000
"""
SET_LINK_IDS = """
UNWIND $rows AS row
MATCH (:Service {id: row.s})-[r:AT]->(:Location {id: row.l}) SET r.link_id = row.link_id
"""
FIND_LINK = "MATCH (s:Service)-[r:AT {link_id: $link_id}]->(l:Location) RETURN s.id, l.id"
WRITE = {
    "organization": WRITE_ORGANIZATIONS,
    "location": WRITE_LOCATIONS,
    "service": WRITE_SERVICES,
}

# Reference checks run after a write, inside the same transaction; a hit aborts it.
MISSING_ORGANIZATION = {
    k: "MATCH (x:" + lb + ") WHERE x.id IN $ids AND NOT EXISTS { "
    "MATCH (o:Organization) WHERE o.id = x.organization_id } RETURN x.organization_id LIMIT 1"
    for k, lb in LABEL.items()
    if k != "organization"
}
FOREIGN_LOCATION = """
MATCH (s:Service) WHERE s.id IN $ids
UNWIND s.location_ids AS lid
OPTIONAL MATCH (l:Location {id: lid})
WITH s, lid, l WHERE l IS NULL OR l.organization_id <> s.organization_id
RETURN lid LIMIT 1
"""
MISSING_PARTNER = """
MATCH (o:Organization) WHERE o.id IN $ids
UNWIND o.refers_to AS pid
OPTIONAL MATCH (p:Organization {id: pid})
WITH o, pid, p WHERE p IS NULL OR p = o
RETURN pid LIMIT 1
"""

NEXT_SEQ = """
MERGE (c:NjiaMeta {key: 'change_seq'})
SET c._lock = true
WITH c
SET c.value = coalesce(c.value, 0) + 1
REMOVE c._lock
RETURN c.value
"""
RECORD_CHANGE = {
    k: "CREATE (c:Change {seq: $seq, kind: $kind, entity_id: $entity_id, version: $version,"
    " action: $action, actor: $actor, at: $at, old: $old, new: $new})"
    " WITH c OPTIONAL MATCH (x:" + lb + " {id: $entity_id})"
    " FOREACH (_ IN CASE WHEN x IS NULL THEN [] ELSE [1] END | CREATE (c)-[:OF]->(x))"
    for k, lb in LABEL.items()
}
RECORD_CHANGES = {
    k: "UNWIND $changes AS ch CREATE (c:Change {seq: ch.seq, kind: ch.kind,"
    " entity_id: ch.entity_id, version: ch.version, action: ch.action, actor: ch.actor,"
    " at: ch.at, old: ch.old, new: ch.new})"
    " WITH c, ch OPTIONAL MATCH (x:" + lb + " {id: ch.entity_id})"
    " FOREACH (_ IN CASE WHEN x IS NULL THEN [] ELSE [1] END | CREATE (c)-[:OF]->(x))"
    for k, lb in LABEL.items()
}
"""Changes imported with their numbers, a batch of one kind at a time."""
RAISE_SEQ = """
MERGE (c:NjiaMeta {key: 'change_seq'})
SET c.value = CASE WHEN coalesce(c.value, 0) < $seq THEN $seq ELSE c.value END
"""
CHANGE_FIELDS = "c.seq, c.kind, c.entity_id, c.version, c.action, c.actor, c.at, c.old, c.new"
HISTORY = (
    "MATCH (c:Change {kind: $kind, entity_id: $id}) RETURN " + CHANGE_FIELDS + " ORDER BY c.seq"
)
ALL_HISTORY = "MATCH (c:Change) RETURN " + CHANGE_FIELDS + " ORDER BY c.seq"

CANDIDATES_NEAR = """
MATCH (l:Location)
WHERE point.withinBBox(l.point, point({latitude: $south, longitude: $west}),
                       point({latitude: $north, longitude: $east}))
  AND l.confidentiality IN $tiers
  AND ($in_south IS NULL OR NOT point.withinBBox(
        l.point, point({latitude: $in_south, longitude: $in_west}),
        point({latitude: $in_north, longitude: $in_east})))
MATCH (s:Service)-[:AT]->(l)
WHERE s.status = 'active' AND EXISTS { (s)-[:MEETS]->(n:Need) WHERE n.code IN $needs }
MATCH (o:Organization)-[:PROVIDES]->(s)
WHERE o.status = 'active'
RETURN s.id, l.id, s.doc, o.id, o.doc, l.doc, s.remote, o.refers_to
"""
CANDIDATES_BY_AREA = """
CALL () {
  MATCH (a:Area)<-[:COVERS]-(s:Service) WHERE a.pcode IN $pcodes RETURN s
  UNION
  MATCH (:Location {confidentiality: 'confidential'})<-[:AT]-(s:Service)
  WHERE NOT EXISTS { (s)-[:COVERS]->(:Area) }
  RETURN s
}
WITH s WHERE s.status = 'active'
  AND ((s.remote AND EXISTS { (s)-[:MEETS]->(n:Need) WHERE n.code IN $remote_needs })
    OR (NOT s.remote AND EXISTS { (s)-[:MEETS]->(n:Need) WHERE n.code IN $needs }
        AND EXISTS { (s)-[:AT]->(:Location {confidentiality: 'confidential'}) }))
MATCH (o:Organization)-[:PROVIDES]->(s)
WHERE o.status = 'active'
WITH DISTINCT s, o
RETURN s.id, s.name, s.remote, s.doc, o.id, o.doc, o.refers_to,
       [(s)-[:MEETS]->(n:Need) | n.code],
       COLLECT { MATCH (s)-[:AT]->(l:Location {confidentiality: 'confidential'})
                 RETURN l.doc ORDER BY l.id LIMIT 1 }
"""

ADD_TOKEN = """
CREATE (:ApiToken {id: $id, secret_hash: $hash, role: $role, label: $label,
                   organization_id: $organization_id, user_id: $user_id, revoked: false})
"""
TOKEN_FOR = """
MATCH (t:ApiToken {secret_hash: $hash})
RETURN t.id, t.role, t.label, t.organization_id, t.revoked, t.user_id
"""
REVOKE_TOKEN = "MATCH (t:ApiToken {id: $id}) SET t.revoked = true RETURN t.id"

# -- list filters ------------------------------------------------------------------------

LIST_START = {k: "MATCH (x:" + lb + ")" for k, lb in LABEL.items()}
LIST_TEXT_START = {
    k: "CALL db.index.fulltext.queryNodes('listing_text', $text) YIELD node AS x "
    "WITH x WHERE x:" + lb
    for k, lb in LABEL.items()
}
FILTERS: dict[str, dict[str, str]] = {
    "organization_id": {
        "organization": "x.id = $organization_id",
        "location": "x.organization_id = $organization_id",
        "service": "x.organization_id = $organization_id",
    },
    "status": {"organization": "x.status = $status", "service": "x.status = $status"},
    "need": {"service": "EXISTS { (x)-[:MEETS]->(:Need {code: $need}) }"},
    "area": {
        "location": "(x.adm1 = $area OR x.adm2 = $area)",
        "service": "(EXISTS { (x)-[:AT]->(l:Location) WHERE (l.adm1 = $area OR l.adm2 = $area)"
        " AND l.confidentiality IN $tiers } OR EXISTS { (x)-[:COVERS]->(:Area {pcode: $area}) })",
    },
    "tiers": {"location": "x.confidentiality IN $tiers"},
}
COUNT_TAIL = " RETURN count(x)"
PAGE_TAIL = " RETURN x.doc ORDER BY x.name, x.id SKIP $offset LIMIT $limit"

RECORD_FIELDS = "x.collection, x.id, x.doc, x.version, x.key1, x.key2, x.sort"
RECORD_GET = "MATCH (x:Record {id: $id}) WHERE x.collection = $collection RETURN " + RECORD_FIELDS
RECORD_CREATE = """
CREATE (x:Record {collection: $collection, id: $id, version: 1, key1: $key1, key2: $key2,
                  sort: $sort, doc: $doc})
"""
RECORD_LOCK = """
MATCH (x:Record {id: $id}) WHERE x.collection = $collection
SET x._lock = true
RETURN x.version
"""
RECORD_UPDATE = """
MATCH (x:Record {id: $id}) WHERE x.collection = $collection
SET x.version = $expected + 1, x.key1 = $key1, x.key2 = $key2, x.sort = $sort, x.doc = $doc
REMOVE x._lock
"""
RECORD_FIND = (
    "MATCH (x:Record) WHERE x.collection = $collection"
    " AND ($key1 IS NULL OR x.key1 = $key1) AND ($key2 IS NULL OR x.key2 = $key2)"
    " RETURN " + RECORD_FIELDS + " ORDER BY x.sort, x.id LIMIT $limit"
)
RECORD_DELETE = (
    "MATCH (x:Record {id: $id}) WHERE x.collection = $collection DELETE x RETURN count(*)"
)
