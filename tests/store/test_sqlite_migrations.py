"""A database made by an older Njia is brought up to date at start, its data kept."""

import sqlite3

import pytest

from directory.store.base import link_id
from directory.store.sqlite import SqliteStore
from directory.store.sqlite_schema import MIGRATIONS
from tests import factories as f


def test_link_ids_are_filled_in_for_links_written_before_they_existed(tmp_path):
    path = tmp_path / "old.sqlite3"
    store = SqliteStore(path)
    store.init_schema()
    org = store.create("organization", f.organization(), "test")
    loc = store.create("location", f.location(org["id"]), "test")
    svc = store.create("service", f.service(org["id"], [loc["id"]]), "test")
    store.close()
    with sqlite3.connect(path) as conn:  # back to schema 2: no link ids
        conn.execute("DROP INDEX location_confidentiality")  # schema 4
        conn.execute("DROP INDEX service_at_location_link")
        conn.execute("ALTER TABLE service_at_location DROP COLUMN link_id")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    reopened = SqliteStore(path)
    reopened.init_schema()
    assert reopened.schema_version() == len(MIGRATIONS)
    assert reopened.find_link(link_id(svc["id"], loc["id"])) == (svc["id"], loc["id"])
    reopened.close()


def test_migration_statements_end_where_sqlite_says_not_at_every_semicolon():
    from directory.store.sqlite import statements

    script = """
    INSERT INTO t VALUES ('a;b');
    CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END;
    """
    assert statements(script) == [
        "INSERT INTO t VALUES ('a;b');",
        "CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END;",
    ]
    with pytest.raises(ValueError, match="incomplete"):
        statements("CREATE TRIGGER y AFTER INSERT ON t BEGIN SELECT 1;")
