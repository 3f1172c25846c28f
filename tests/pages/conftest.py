"""Fixtures of the public page tests: the demo directory on SQLite, at a fixed instant.

The pages do not depend on the store beyond its contract (tested on every backend in
``tests/store``), so these tests use the embedded store only.
"""

from __future__ import annotations

import pytest

from directory.pages import search
from tests.pages.helpers import MONDAY_MORNING, compile_catalogues, demo_app


@pytest.fixture(scope="session", autouse=True)
def catalogues() -> None:
    compile_catalogues()


@pytest.fixture
def fixed_now(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(search, "now", lambda: MONDAY_MORNING)
    return MONDAY_MORNING


@pytest.fixture(scope="session")
def page_app(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One demo directory for the session: the page tests only read it."""
    app = demo_app(tmp_path_factory.mktemp("pages") / "njia.sqlite3")
    yield app
    app.extensions["njia_store"].close()


@pytest.fixture
def web(page_app, fixed_now):  # type: ignore[no-untyped-def]
    return page_app.test_client()
