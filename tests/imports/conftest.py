"""Fixtures of the spreadsheet import tests: plain HTTP cookies, catalogues compiled."""

from __future__ import annotations

import pytest

from tests.pages.helpers import compile_catalogues


@pytest.fixture(scope="session", autouse=True)
def catalogues() -> None:
    compile_catalogues()


@pytest.fixture
def config(config):  # type: ignore[no-untyped-def]
    """The test client speaks plain HTTP: session cookies may not be Secure there."""
    return {**config, "SESSION_COOKIE_SECURE": False, "SECRET_KEY": "test-secret"}


@pytest.fixture
def runner(app):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()
