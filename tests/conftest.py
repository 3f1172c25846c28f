"""Shared fixtures: a fresh store per test on every backend, apps, clients and tokens.

The ``backend`` parameter runs a test on the embedded SQLite store and on a real Neo4j 5
server started once per session (see ``tests/neo4j_server.py``). Without Java and Maven the
Neo4j runs are skipped with the reason printed, unless ``NJIA_REQUIRE_NEO4J=1`` makes that a
failure (CI sets it).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from directory import create_app
from directory.core.rights import issue_token
from directory.store import open_store
from directory.store.base import Store
from tests.neo4j_server import wipe as wipe_neo4j

BACKENDS = ("sqlite", "neo4j")
# Tests send far more anonymous searches than a person; tests/test_rate_limits.py checks the limit.
os.environ.setdefault("NJIA_SEARCH_RATE_LIMIT", "100000 per minute")
os.environ.setdefault("NJIA_READ_RATE_LIMIT", "100000 per minute")


@pytest.fixture(scope="session")
def neo4j_server():  # type: ignore[no-untyped-def]
    """Start one real Neo4j server for the whole session (skip or fail if impossible).

    Tests that stop it (outage tests) must start it again before they return.
    """
    from tests import neo4j_server as launcher

    reason = launcher.unavailable_reason()
    if reason:
        if os.environ.get("NJIA_REQUIRE_NEO4J") == "1":
            pytest.fail(f"NJIA_REQUIRE_NEO4J=1 but Neo4j cannot run: {reason}")
        pytest.skip(f"Neo4j tests skipped: {reason}")
    launcher.ensure_jars()
    with tempfile.TemporaryDirectory(prefix="njia-neo4j-") as home:
        server = launcher.Neo4jServer(Path(home))
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def neo4j_uri(neo4j_server) -> str:  # type: ignore[no-untyped-def]
    return str(neo4j_server.uri)


def store_config(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    """App config selecting ``backend`` with a fresh, empty database."""
    if backend == "sqlite":
        return {"STORE": "sqlite", "DATABASE": str(tmp_path / "njia.sqlite3"), "DB_TIMEOUT": 1.0}
    uri = request.getfixturevalue("neo4j_uri")
    config = {"STORE": "neo4j", "NEO4J_URI": uri, "NEO4J_DATABASE": "neo4j", "DB_TIMEOUT": 5.0}
    wipe_neo4j(config)
    return config


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the Neo4j server (a ``neo4j`` backend parameter or the
    server's fixtures) with ``neo4j``, so ``make check`` can leave them out."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params.values() if callspec is not None else ()
        fixtures = getattr(item, "fixturenames", ())
        if "neo4j" in params or "neo4j_server" in fixtures or "neo4j_uri" in fixtures:
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def config(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"TESTING": True, **store_config(backend, tmp_path, request)}


@pytest.fixture
def store(config: dict[str, Any]) -> Iterator[Store]:
    """A fresh store with its schema applied."""
    s = open_store(config)
    s.init_schema()
    yield s
    s.close()


@pytest.fixture
def app(config: dict[str, Any]):  # type: ignore[no-untyped-def]
    application = create_app(config)
    yield application
    application.extensions["njia_store"].close()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def app_store(app) -> Store:  # type: ignore[no-untyped-def]
    with app.app_context():
        from directory.store import get_store

        return get_store()


@pytest.fixture
def tokens(app_store: Store) -> dict[str, str]:
    """Bearer headers for each staff role (providers are made per test, with their org)."""
    return {
        role: issue_token(app_store, role, f"test {role}")
        for role in ("admin", "coordinator", "caseworker")
    }


def bearer(secret: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **extra}
