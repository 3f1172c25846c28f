"""Online backups. The embedded store is copied page by page with SQLite's backup API while
the app keeps serving; the copy is checked with ``PRAGMA integrity_check``. A Neo4j directory is
backed up as a full export (JSON Lines), restored with ``import``."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from directory.exchange import transfer
from directory.store.base import Store

PAGES_PER_STEP = 256


class BackupError(Exception):
    """A backup or restore that did not complete; nothing usable was written."""


def backup_sqlite(source_path: str, target: Path) -> None:
    """Copy a live SQLite database to ``target`` (a new file) and check the copy."""
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file")
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy, pages=PAGES_PER_STEP)
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
        source.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {verdict}")
    partial.rename(target)


def restore_sqlite(backup: Path, database_path: str) -> None:
    """Replace the database's content with a backup's (stop the app first)."""
    source = sqlite3.connect(backup)
    try:
        verdict = source.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the backup failed its integrity check: {verdict}")
        target = sqlite3.connect(database_path, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def content_hash(store: Store) -> str:
    """SHA-256 of the store's full export (listings and history): equal content, equal hash."""
    digest = hashlib.sha256()
    for line in transfer.export_lines(store):
        digest.update(line.encode())
    return digest.hexdigest()
