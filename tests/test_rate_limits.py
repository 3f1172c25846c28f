"""Anonymous searches are rate-limited per client (429, Retry-After); signed-in users are not."""

from __future__ import annotations

import pytest

from directory import create_app
from directory.auth import issue_token

MATCH = {"location": {"lat": -1.67, "lon": 29.22}, "needs": ["medical"]}


@pytest.fixture
def limited(tmp_path):
    app = create_app(
        {
            "DATABASE": str(tmp_path / "db.sqlite3"),
            "SECRET_KEY": "x",
            "SEARCH_RATE_LIMIT": "3 per minute",
        }
    )
    yield app
    app.extensions["njia_store"].close()


def test_fourth_anonymous_search_in_a_minute_is_429(limited):
    client = limited.test_client()
    statuses = [client.post("/api/v1/match", json=MATCH).status_code for _ in range(3)]
    statuses.append(client.get("/api/v1/places?q=goma").status_code)  # the same budget
    assert statuses == [200, 200, 200, 429]
    blocked = client.post("/api/v1/match", json=MATCH)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert blocked.get_json()["error"]["code"] == "too_many_requests"
    page = client.post("/", data={"place": "Goma", "needs": "medical"})
    assert page.status_code == 429


def test_signed_in_users_are_not_limited(limited):
    with limited.app_context():
        from directory.store import get_store

        secret = issue_token(get_store(), "caseworker", "t")
    client = limited.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert {
        client.post("/api/v1/match", json=MATCH, headers=headers).status_code for _ in range(6)
    } == {200}
