"""Fixtures of the coverage tests: the seed directory as a snapshot, and a fixed instant."""

from __future__ import annotations

from datetime import datetime

import pytest

from directory.cli import DEMO_FILE
from directory.coverage.snapshot import Snapshot
from directory.exchange import transfer
from directory.exchange.seed_facilities import facility_listings

AT = datetime.fromisoformat("2026-11-30T10:00:00+00:00")
"""A fixed instant: the demo's alerts and capacity dates are judged against it."""


def demo_listings() -> list[tuple[str, dict]]:
    """The demo listings of ``seed_data/demo_listings.jsonl`` as (kind, document)."""
    lines = DEMO_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    return transfer.parse_import(lines).listings


@pytest.fixture(scope="session")
def seed_listings() -> list[tuple[str, dict]]:
    """What ``flask --app wsgi seed`` loads: the demo listings and the healthsites facilities."""
    return demo_listings() + list(facility_listings())


@pytest.fixture(scope="session")
def seed_snapshot(seed_listings) -> Snapshot:  # type: ignore[no-untyped-def]
    return Snapshot.from_listings(seed_listings)
