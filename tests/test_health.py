"""Liveness, readiness, and 503 (never 500 or a hang) when the database is unavailable."""

from __future__ import annotations

import sqlite3
import time

import pytest

from directory import create_app


def test_livez_and_readyz(client):
    assert client.get("/livez").get_json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_livez_does_not_touch_the_database(tmp_path):
    app = create_app({"DATABASE": "/proc/njia/impossible.sqlite3"})
    assert app.test_client().get("/livez").status_code == 200


@pytest.mark.parametrize("path", ["/readyz", "/api/v1/services", "/api/v1/organizations"])
def test_unreachable_database_gives_503_with_retry_after(path):
    app = create_app({"DATABASE": "/proc/njia/impossible.sqlite3"})
    response = app.test_client().get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    error = response.get_json()["error"]
    assert error["code"] == "unavailable"
    assert "proc" not in response.get_data(as_text=True)


@pytest.mark.parametrize("backend", ["sqlite"])  # Neo4j outages: tests/test_neo4j.py
def test_locked_database_gives_503_within_the_timeout_then_recovers(tmp_path, tokens, client, app):
    blocker = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        response = client.post(
            "/api/v1/organizations",
            json={"name": "x"},
            headers={"Authorization": f"Bearer {tokens['admin']}"},
        )
        assert response.status_code == 503
        assert time.monotonic() - started < 3
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    again = client.post(
        "/api/v1/organizations",
        json={"name": "x"},
        headers={"Authorization": f"Bearer {tokens['admin']}"},
    )
    assert again.status_code == 201
