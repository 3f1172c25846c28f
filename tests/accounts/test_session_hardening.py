"""Sessions under attack and outage (issue 17, items 4, 6 and 14): anonymous visitors cost no
database row, expired sessions are purged, a locked database answers 503 (never 500) even
when only the session write fails, and public pages never send a cookie header."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from directory.store.base import Record
from tests.accounts.helpers import PASSWORD, make_user, sign_in


def _session_rows(store) -> list[Record]:  # type: ignore[no-untyped-def]
    return store.find_records("session", limit=10_000)


def _age(store, record: Record, **delta: float) -> None:  # type: ignore[no-untyped-def]
    """Move a stored session back in time (as if it were idle, or old)."""
    past = (datetime.now(UTC) - timedelta(**delta)).isoformat()
    doc = {**record.doc, "last_seen": past, "created_at": past}
    store.put_record(Record("session", record.id, doc, key1=record.key1, sort=past),
                     record.version)  # fmt: skip


def test_anonymous_visits_to_the_sign_in_page_write_no_session(client, app_store):
    for _ in range(300):
        page = client.get("/login")
        assert page.status_code == 200
    assert _session_rows(app_store) == []
    html = page.get_data(as_text=True)
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    make_user(app_store, "caseworker")
    signed = client.post(
        "/login",
        data={"csrf_token": token, "email": "caseworker-x@example.org", "password": PASSWORD},
    )
    assert signed.status_code == 302  # the anonymous cookie carried the form's CSRF token
    assert len(_session_rows(app_store)) == 1


def test_a_forged_anonymous_cookie_carries_nothing(client, app_store):
    make_user(app_store, "caseworker")
    client.set_cookie("njia_session", 'a.{"user_id": "x"}')
    assert client.get("/api/v1/auth/me").status_code == 401


def test_expired_sessions_are_purged_when_a_session_starts(app, client, app_store):
    make_user(app_store, "caseworker")
    for _ in range(3):
        sign_in(app.test_client(), "caseworker-x@example.org")
    for record in _session_rows(app_store):
        _age(app_store, record, hours=13)
    sign_in(client, "caseworker-x@example.org")
    assert len(_session_rows(app_store)) == 1


def test_an_expired_session_cookie_on_public_pages_gets_no_cookie_header(client, app_store):
    make_user(app_store, "caseworker")
    sign_in(client, "caseworker-x@example.org")
    (record,) = _session_rows(app_store)
    _age(app_store, record, hours=1)
    for path in ("/", "/safety", "/about"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path
    assert client.get("/api/v1/auth/me").status_code == 401  # and it is over elsewhere


@pytest.mark.parametrize("backend", ["sqlite"])  # a Neo4j outage: tests/test_neo4j.py
def test_a_locked_database_answers_503_when_only_the_session_write_fails(app, client, app_store):
    make_user(app_store, "caseworker")
    idle = app.test_client()
    sign_in(idle, "caseworker-x@example.org")
    (record,) = _session_rows(app_store)
    _age(app_store, record, minutes=2)  # idle for over a minute: the next request touches it
    blocker = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        login = {"email": "caseworker-x@example.org", "password": PASSWORD}
        for response in (
            client.post("/api/v1/auth/login", json=login),
            idle.get("/api/v1/auth/me"),
            idle.get("/workspace", headers={"Accept": "text/html"}),
        ):
            assert response.status_code == 503, response.get_data(as_text=True)[:300]
            assert int(response.headers["Retry-After"]) > 0
            assert "Set-Cookie" not in response.headers
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert idle.get("/api/v1/auth/me").status_code == 200
