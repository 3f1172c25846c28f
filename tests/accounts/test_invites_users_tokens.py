"""Invitations, account management and personal API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.accounts.helpers import PASSWORD, make_user, sign_in
from tests.conftest import bearer


def _invite(client, csrf, **body):
    return client.post("/api/v1/invites", json=body, headers={"X-CSRFToken": csrf})


def test_invitation_is_single_use_and_makes_an_account(client, app_store):
    make_user(app_store, "coordinator")
    csrf = sign_in(client, "coordinator-x@example.org")
    created = _invite(client, csrf, email="New@Example.org", role="caseworker")
    assert created.status_code == 201
    token = created.get_json()["token"]
    assert created.get_json()["url"] == f"/invite/{token}"
    body = {"token": token, "name": "Amani", "password": PASSWORD}
    fresh = client.application.test_client()
    assert fresh.post("/api/v1/invites/accept", json=body).status_code == 201
    again = fresh.post("/api/v1/invites/accept", json=body)
    assert again.status_code == 422 and "token" in again.get_json()["error"]["fields"]
    sign_in(fresh, "new@example.org")
    assert fresh.get("/api/v1/auth/me").get_json()["role"] == "caseworker"


def test_expired_invitation_is_refused(client, app_store):
    from directory.core import users
    from directory.store.base import Record

    invite, token = users.create_invite(app_store, "late@example.org", "caseworker", None, "t")
    record = app_store.find_records("invite", key2="late@example.org")[0]
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    app_store.put_record(
        Record(
            "invite",
            record.id,
            {**record.doc, "expires_at": past},
            key1=record.key1,
            key2=record.key2,
            sort=record.sort,
        ),
        record.version,
    )
    response = client.post(
        "/api/v1/invites/accept", json={"token": token, "name": "L", "password": PASSWORD}
    )
    assert response.status_code == 422


def test_who_may_invite_whom(client, app_store, tokens):
    org = client.post(
        "/api/v1/organizations", json={"name": "O"}, headers=bearer(tokens["admin"])
    ).get_json()
    make_user(app_store, "coordinator")
    csrf = sign_in(client, "coordinator-x@example.org")
    assert _invite(client, csrf, email="a@example.org", role="admin").status_code == 403
    missing_org = _invite(client, csrf, email="p@example.org", role="provider")
    assert missing_org.status_code == 422
    assert "organization_id" in missing_org.get_json()["error"]["fields"]
    ok = _invite(client, csrf, email="p@example.org", role="provider", organization_id=org["id"])
    assert ok.status_code == 201
    weak = client.application.test_client().post(
        "/api/v1/invites/accept",
        json={"token": ok.get_json()["token"], "name": "P", "password": "123456789012"},
    )
    assert weak.status_code == 422 and "password" in weak.get_json()["error"]["fields"]
    make_user(app_store, "caseworker")
    other = client.application.test_client()
    csrf2 = sign_in(other, "caseworker-x@example.org")
    assert _invite(other, csrf2, email="z@example.org", role="caseworker").status_code == 403


def test_deactivating_a_user_ends_sessions_and_tokens(client, app_store):
    target = make_user(app_store, "caseworker")
    user_client = client.application.test_client()
    user_csrf = sign_in(user_client, "caseworker-x@example.org")
    token = user_client.post(
        "/api/v1/tokens", json={"label": "laptop"}, headers={"X-CSRFToken": user_csrf}
    ).get_json()["token"]
    tokened = client.application.test_client()
    assert tokened.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200
    make_user(app_store, "admin")
    csrf = sign_in(client, "admin-x@example.org")
    response = client.patch(
        f"/api/v1/users/{target.id}", json={"active": False}, headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 200 and response.get_json()["user"]["active"] is False
    assert user_client.get("/api/v1/auth/me").status_code == 401
    assert tokened.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    fresh = client.application.test_client()
    login = {"email": "caseworker-x@example.org", "password": PASSWORD}
    assert fresh.post("/api/v1/auth/login", json=login).status_code == 401


def test_personal_token_acts_as_its_user_and_can_be_revoked(client, app_store):
    make_user(app_store, "caseworker")
    csrf = sign_in(client, "caseworker-x@example.org")
    secret = client.post(
        "/api/v1/tokens", json={"label": "script"}, headers={"X-CSRFToken": csrf}
    ).get_json()["token"]
    other = client.application.test_client()
    assert other.get("/api/v1/auth/me", headers=bearer(secret)).get_json()["role"] == "caseworker"
    revoked = client.post(
        "/api/v1/tokens/revoke", json={"token": secret}, headers={"X-CSRFToken": csrf}
    )
    assert revoked.status_code == 204
    assert other.get("/api/v1/auth/me", headers=bearer(secret)).status_code == 401


def test_create_admin_command(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(
        args=["create-admin", "--email", "a@x.org", "--name", "A"],
        input="password1234\npassword1234\n",
    )
    assert weak.exit_code != 0 and "common" in weak.output
    ok = runner.invoke(
        args=["create-admin", "--email", "a@x.org", "--name", "A"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert ok.exit_code == 0 and "Admin a@x.org created" in ok.output


def test_two_invitations_for_one_email_accepted_at_once_make_one_account(app_store):
    """Both invitations pass their own checks at the same moment; the email is claimed once."""
    import threading

    from directory.core import users

    tokens = [users.create_invite(app_store, "same@example.org", "caseworker", None, "admin")[1]
              for _ in range(2)]  # fmt: skip
    start, outcomes = threading.Barrier(2), []

    def accept(token: str) -> None:
        start.wait()
        try:
            outcomes.append(users.accept_invite(app_store, token, "Same", PASSWORD).id)
        except users.AccountError as exc:
            outcomes.append(exc.field)

    threads = [threading.Thread(target=accept, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcome == "email" for outcome in outcomes) == [False, True]
    accounts = [u for u in users.list_users(app_store) if u.email == "same@example.org"]
    assert len(accounts) == 1
