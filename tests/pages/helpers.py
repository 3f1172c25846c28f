"""Shared by the page and browser tests: catalogues compiled, a demo app, a fixed clock."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from directory import create_app

TRANSLATIONS = Path(__file__).resolve().parents[2] / "directory" / "translations"
MONDAY_MORNING = datetime.fromisoformat("2026-11-30T10:00:00+01:00")
"""A fixed instant (Monday 10:00 in Kinshasa, 11:00 in Goma) for reproducible pages."""


def compile_catalogues() -> None:
    """Compile each ``messages.po`` whose ``.mo`` is missing or older (what ``make`` does), so
    that running pytest directly tests the same catalogues."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        with mo.open("wb") as target:
            write_mo(target, catalog)


def demo_app(database: Path, **config: Any):  # type: ignore[no-untyped-def]
    """An app on a fresh SQLite file holding the demo listings."""
    app = create_app({"TESTING": True, "STORE": "sqlite", "DATABASE": str(database), **config})
    result = app.test_cli_runner().invoke(args=["seed", "--only", "demo"])
    assert result.exit_code == 0, result.output
    return app
