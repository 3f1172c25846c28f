"""Anonymous searches are rate-limited per client (429, Retry-After); signed-in users are not."""

from __future__ import annotations

import time

import pytest

from directory import create_app
from directory.core.rights import issue_token

MATCH = {"location": {"lat": -1.67, "lon": 29.22}, "needs": ["medical"]}


@pytest.fixture
def limited(tmp_path):
    app = create_app(
        {
            "DATABASE": str(tmp_path / "db.sqlite3"),
            "SECRET_KEY": "x",
            "SEARCH_RATE_LIMIT": "3 per minute",
            "READ_RATE_LIMIT": "120 per minute",
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
    nearest = client.post("/api/v1/places/nearest", json={"lat": -1.67, "lon": 29.22})
    assert nearest.status_code == 429


def test_whole_dumps_cost_more_of_the_anonymous_read_budget(limited):
    """Two ndjson dumps a minute per client (each costs 60 of 120); pages cost 1, full 5."""
    client = limited.test_client()
    dumps = [client.get("/hsds/organizations?format=ndjson&full=true&full_service=true")
             for _ in range(3)]  # fmt: skip
    assert [r.status_code for r in dumps] == [200, 200, 429]
    assert dumps[2].get_json()["error"]["code"] == "too_many_requests"
    assert client.get("/hsds/services").status_code == 429  # one budget for every read
    with limited.app_context():
        from directory.store import get_store

        secret = issue_token(get_store(), "coordinator", "t")
    signed = client.get(
        "/hsds/services?format=ndjson", headers={"Authorization": f"Bearer {secret}"}
    )
    assert signed.status_code == 200


def test_pages_of_the_api_share_the_read_budget(limited):
    client = limited.test_client()
    statuses = [client.get("/api/v1/services?per_page=100").status_code for _ in range(120)]
    assert statuses == [200] * 120
    assert client.get("/hsds/services?full=true").status_code == 429


def test_signed_in_users_are_not_limited(limited):
    with limited.app_context():
        from directory.store import get_store

        secret = issue_token(get_store(), "caseworker", "t")
    client = limited.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert {
        client.post("/api/v1/match", json=MATCH, headers=headers).status_code for _ in range(6)
    } == {200}


@pytest.fixture
def two_workers(tmp_path):
    """gunicorn with two sync workers on one SQLite file, an account, and low search limits."""
    from directory.core import users
    from directory.store.sqlite import SqliteStore
    from tests.accounts.helpers import PASSWORD
    from tests.servers import gunicorn

    database = tmp_path / "njia.sqlite3"
    store = SqliteStore(database)
    store.init_schema()
    users.create_user(store, "cw@example.org", "Cw", "caseworker", PASSWORD, None)
    store.close()
    env = {
        "NJIA_DATABASE": str(database),
        "NJIA_SECRET_KEY": "shared by the workers",
        "NJIA_SESSION_COOKIE_SECURE": "false",
        "NJIA_SEARCH_RATE_LIMIT": "5 per minute",
    }
    with gunicorn(env, workers=2) as base:
        yield base


@pytest.mark.slow
def test_the_sixth_failed_sign_in_is_refused_on_every_form_and_worker(two_workers):
    """Failures through the API and the sign-in page, over two workers, share one count."""
    from tests.servers import Browser

    wrong = {"email": "cw@example.org", "password": "not the password"}
    api = Browser(two_workers)
    page = Browser(two_workers)

    def page_attempt():  # type: ignore[no-untyped-def]
        form = page.request("GET", "/login").text
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        return page.request("POST", "/login", form={**wrong, "csrf_token": token}).status

    failures = [api.request("POST", "/api/v1/auth/login", json_body=wrong).status
                for _ in range(3)]  # fmt: skip
    failures += [page_attempt() for _ in range(2)]
    assert failures == [401] * 5
    refused = api.request("POST", "/api/v1/auth/login", json_body=wrong)
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
    assert page_attempt() == 429
    right = {"email": "cw@example.org", "password": "lac Kivu pirogue 2026"}
    assert api.request("POST", "/api/v1/auth/login", json_body=right).status == 429


@pytest.mark.slow
def test_the_anonymous_search_limit_holds_across_workers(two_workers):
    """Concurrent searches keep both workers busy; five pass in all, not five per worker."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.servers import Browser

    def search(_: int) -> int:
        return Browser(two_workers).request("POST", "/api/v1/match", json_body=MATCH).status

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(search, range(18)))
    assert sorted(statuses) == [200] * 5 + [429] * 13


def test_store_storage_counts_a_moving_window_on_every_backend(app):
    from directory.web.limits import StoreStorage

    storage = StoreStorage("njia://")
    with app.app_context():
        assert storage.check()
        assert [storage.acquire_entry("k", 3, 60) for _ in range(4)] == [True] * 3 + [False]
        start, count = storage.get_moving_window("k", 3, 60)
        assert count == 3 and start <= time.time()
        assert storage.acquire_entry("other", 3, 60)  # keys are counted apart
        assert [storage.incr("fixed", 60) for _ in range(2)] == [1, 2] and storage.get("fixed") == 2
        storage.clear("k")
        assert storage.get_moving_window("k", 3, 60)[1] == 0
        assert storage.acquire_entry("short", 1, 1) and not storage.acquire_entry("short", 1, 1)
        time.sleep(1.1)
        assert storage.acquire_entry("short", 1, 1)  # the window moved on
        assert storage.reset() == 3
