"""The embedded store's schema, as numbered migrations applied in order at start.

The tables mirror the graph of GUIDE §2: one table per node label holding the whole JSON
document plus the columns the API filters on, one table per relationship, an R*Tree over
location points and one FTS5 index per kind over names and descriptions, keyed by the
listing row's rowid.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the directory, its indexes, history and API tokens.
    """
    CREATE TABLE organization (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX organization_name ON organization (name, id);

    CREATE TABLE location (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        organization_id TEXT NOT NULL REFERENCES organization (id),
        name TEXT NOT NULL,
        confidentiality TEXT NOT NULL,
        adm1 TEXT,
        adm2 TEXT,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX location_name ON location (name, id);
    CREATE INDEX location_org ON location (organization_id);
    CREATE INDEX location_adm1 ON location (adm1);
    CREATE INDEX location_adm2 ON location (adm2);
    CREATE VIRTUAL TABLE location_rtree USING rtree (rid, min_lat, max_lat, min_lon, max_lon);

    CREATE TABLE service (
        id TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL REFERENCES organization (id),
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        remote INTEGER NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX service_name ON service (name, id);
    CREATE INDEX service_org ON service (organization_id);

    CREATE TABLE service_need (
        need TEXT NOT NULL,
        service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
        PRIMARY KEY (need, service_id)
    ) WITHOUT ROWID;
    CREATE INDEX service_need_service ON service_need (service_id);

    CREATE TABLE service_area (
        pcode TEXT NOT NULL,
        service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
        PRIMARY KEY (pcode, service_id)
    ) WITHOUT ROWID;
    CREATE INDEX service_area_service ON service_area (service_id);

    CREATE TABLE service_at_location (
        location_id TEXT NOT NULL REFERENCES location (id),
        service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
        PRIMARY KEY (location_id, service_id)
    ) WITHOUT ROWID;
    CREATE INDEX service_at_location_service ON service_at_location (service_id);

    CREATE TABLE referral (
        from_id TEXT NOT NULL REFERENCES organization (id),
        to_id TEXT NOT NULL REFERENCES organization (id),
        PRIMARY KEY (from_id, to_id)
    ) WITHOUT ROWID;

    CREATE VIRTUAL TABLE organization_fts USING fts5 (
        name, description, tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE VIRTUAL TABLE location_fts USING fts5 (
        name, description, tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE VIRTUAL TABLE service_fts USING fts5 (
        name, description, tokenize = 'unicode61 remove_diacritics 2'
    );

    CREATE TABLE change (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        old TEXT,
        new TEXT
    );
    CREATE INDEX change_entity ON change (kind, entity_id, seq);

    CREATE TABLE api_token (
        id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        label TEXT NOT NULL,
        organization_id TEXT,
        revoked INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 2: account and workflow records (users, invites, sessions, moderation queue).
    """
    CREATE TABLE record (
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        key1 TEXT,
        key2 TEXT,
        sort TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (collection, id)
    ) WITHOUT ROWID;
    CREATE INDEX record_key1 ON record (collection, key1, sort, id);
    CREATE INDEX record_key2 ON record (collection, key2, sort, id);
    ALTER TABLE api_token ADD COLUMN user_id TEXT;
    """,
    # 3: the stable id of each service at a location (HSDS service_at_location), indexed;
    # njia_link_id is directory.store.base.link_id, registered by init_schema.
    """
    ALTER TABLE service_at_location ADD COLUMN link_id TEXT;
    UPDATE service_at_location SET link_id = njia_link_id(service_id, location_id);
    CREATE UNIQUE INDEX service_at_location_link ON service_at_location (link_id);
    """,
    # 4: confidential locations found without reading every location (services matched by
    # the areas they cover, an empty service area covering everywhere).
    """
    CREATE INDEX location_confidentiality ON location (confidentiality);
    """,
)
"""Migration ``n`` (1-based) upgrades a database from schema version ``n - 1`` to ``n``."""
