"""Sign-in, sessions, CSRF, password rules and throttling."""

from __future__ import annotations

import time

import pytest

from tests.accounts.helpers import PASSWORD, make_user, sign_in


def _cookie(response, name="njia_session"):
    header = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    return header[0] if header else None


def test_sign_in_sets_a_hardened_session_cookie(app, client, app_store):
    make_user(app_store, "caseworker")
    response = client.post(
        "/api/v1/auth/login", json={"email": "Caseworker-x@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    cookie = _cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/api/v1/auth/me").get_json()["role"] == "caseworker"


def test_secure_flag_is_on_by_default(tmp_path):
    from directory import create_app

    app = create_app({"DATABASE": str(tmp_path / "db.sqlite3"), "SECRET_KEY": "x"})
    with app.app_context():
        from directory.store import get_store

        make_user(get_store(), "caseworker")
    response = app.test_client().post(
        "/api/v1/auth/login", json={"email": "caseworker-x@example.org", "password": PASSWORD}
    )
    assert "Secure" in _cookie(response)


def test_unknown_user_and_wrong_password_get_identical_answers(client, app_store):
    make_user(app_store, "caseworker")
    wrong = client.post(
        "/api/v1/auth/login", json={"email": "caseworker-x@example.org", "password": "nope" * 4}
    )
    unknown = client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.org", "password": "nope" * 4}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()


def test_sixth_failure_within_15_minutes_is_429_with_retry_after(client, app_store):
    make_user(app_store, "caseworker")
    body = {"email": "caseworker-x@example.org", "password": "wrong password!"}
    statuses = [client.post("/api/v1/auth/login", json=body).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    blocked = client.post("/api/v1/auth/login", json={**body, "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert blocked.get_json()["error"]["code"] == "too_many_requests"
    other = client.post("/api/v1/auth/login", json={"email": "x@example.org", "password": "y"})
    assert other.status_code == 401  # counted per account, not for everyone


def test_session_is_rotated_at_sign_in_and_ended_at_sign_out(client, app_store):
    make_user(app_store, "caseworker")
    first = sign_in(client, "caseworker-x@example.org")
    before = client.get_cookie("njia_session").value
    again = client.post(
        "/api/v1/auth/login",
        json={"email": "caseworker-x@example.org", "password": PASSWORD},
        headers={"X-CSRFToken": first},
    )
    assert again.status_code == 200
    csrf = again.get_json()["csrf_token"]
    after = client.get_cookie("njia_session").value
    assert after != before
    client.delete_cookie("njia_session")
    client.set_cookie("njia_session", before)
    assert client.get("/api/v1/auth/me").status_code == 401  # the old id is dead
    client.set_cookie("njia_session", after)
    assert client.post("/api/v1/auth/logout", headers={"X-CSRFToken": csrf}).status_code == 204
    client.set_cookie("njia_session", after)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_idle_sessions_expire(app, client, app_store):
    app.config["SESSION_IDLE_MINUTES"] = 0.02  # 1.2 s
    make_user(app_store, "caseworker")
    sign_in(client, "caseworker-x@example.org")
    assert client.get("/api/v1/auth/me").status_code == 200
    time.sleep(1.5)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_cookie_signed_writes_need_the_csrf_token(client, app_store):
    make_user(app_store, "coordinator")
    csrf = sign_in(client, "coordinator-x@example.org")
    assert client.post("/api/v1/organizations", json={"name": "A"}).status_code == 400
    ok = client.post("/api/v1/organizations", json={"name": "A"}, headers={"X-CSRFToken": csrf})
    assert ok.status_code == 201
    forged = client.post(
        "/api/v1/organizations", json={"name": "B"}, headers={"X-CSRFToken": "forged"}
    )
    assert forged.status_code == 400 and "error" in forged.get_json()


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("short", False),
        ("password1234", False),
        ("qwertyuiop123", False),
        ("iloveyou12345", False),
        ("lac Kivu pirogue 2026", True),
        ("Mwenge-ya-Nyota-77", True),
    ],
)
def test_password_rules(app_store, password, accepted):
    from directory.core.users import AccountError, create_user

    try:
        create_user(app_store, "p@example.org", "P", "caseworker", password, None)
    except AccountError as exc:
        assert not accepted and exc.field == "password"
    else:
        assert accepted


def test_passwords_are_stored_as_argon2id(app_store):
    user = make_user(app_store, "caseworker")
    record = app_store.get_record("user", user.id)
    assert record.doc["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in str(record.doc)
