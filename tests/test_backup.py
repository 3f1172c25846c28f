"""Backups: an online copy under write load restores to exactly the same content."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from directory import create_app
from directory.exchange.backup import content_hash
from directory.store.sqlite import SqliteStore
from tests import factories as f


@pytest.fixture
def backend():
    return "sqlite"


def test_backup_under_write_load_then_restore_gives_same_content(app, app_store, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed", "--only", "demo"])
    org = app_store.create("organization", f.organization(name="Busy"), "test")
    stop = threading.Event()

    def write_load():
        while not stop.is_set():
            app_store.create("location", f.location(org["id"]), "test")

    writer = threading.Thread(target=write_load)
    writer.start()
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "backup.sqlite3")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    backup = SqliteStore(tmp_path / "backup.sqlite3")
    expected = content_hash(backup)
    counts = backup.counts()
    assert counts["location"] >= 10
    connection = sqlite3.connect(tmp_path / "backup.sqlite3")
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()

    fresh = create_app({"DATABASE": str(tmp_path / "fresh.sqlite3")})
    restored = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup.sqlite3")])
    assert restored.exit_code == 0, restored.output
    with fresh.app_context():
        from directory.store import get_store

        assert content_hash(get_store()) == expected
        assert get_store().counts() == counts


def test_backup_refuses_to_overwrite_and_restore_refuses_a_full_directory(app, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed", "--only", "demo"])
    target = tmp_path / "b.sqlite3"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists" in again.output
    full = runner.invoke(args=["restore", str(target)])
    assert full.exit_code != 0 and "not empty" in full.output
