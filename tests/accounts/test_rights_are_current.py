"""A personal API token acts with its user's rights as they are now (GUIDE §4.8): a demotion,
a move to another organization or a deactivation applies at the token's next request."""

from __future__ import annotations

from directory.core import users
from tests import factories
from tests.accounts.helpers import make_user, sign_in
from tests.conftest import bearer


def _personal_token(app, email: str) -> str:
    user_client = app.test_client()
    csrf = sign_in(user_client, email)
    response = user_client.post(
        "/api/v1/tokens", json={"label": "laptop"}, headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 201
    return str(response.get_json()["token"])


def _admin_patch(app, store, user_id: str, body: dict) -> None:
    make_user(store, "admin", email="admin-rights@example.org")
    admin = app.test_client()
    csrf = sign_in(admin, "admin-rights@example.org")
    response = admin.patch(f"/api/v1/users/{user_id}", json=body, headers={"X-CSRFToken": csrf})
    assert response.status_code == 200, response.get_json()


def test_a_demoted_coordinators_token_loses_coordinator_rights_at_once(client, app_store):
    shelter_org = factories.organization(name="Refuge")
    app_store.create("organization", shelter_org, "test")
    hidden = factories.location(shelter_org["id"], confidentiality="confidential")
    app_store.create("location", hidden, "test")
    coordinator = make_user(app_store, "coordinator")
    token = _personal_token(client.application, coordinator.email)
    assert client.get(f"/api/v1/locations/{hidden['id']}", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/users", headers=bearer(token)).status_code == 200

    _admin_patch(client.application, app_store, coordinator.id, {"role": "caseworker"})

    assert client.get(f"/api/v1/locations/{hidden['id']}", headers=bearer(token)).status_code == 404
    assert client.get("/api/v1/users", headers=bearer(token)).status_code == 403
    invite = {"email": "new@example.org", "role": "coordinator"}
    assert client.post("/api/v1/invites", json=invite, headers=bearer(token)).status_code == 403
    me = client.get("/api/v1/auth/me", headers=bearer(token)).get_json()
    assert me["role"] == "caseworker" == me["user"]["role"]


def test_a_provider_moved_to_another_organization_loses_the_old_ones_listings(client, app_store):
    old_org, new_org = factories.organization(name="Old"), factories.organization(name="New")
    for org in (old_org, new_org):
        app_store.create("organization", org, "test")
    shelter = factories.location(old_org["id"], confidentiality="confidential")
    app_store.create("location", shelter, "test")
    provider = make_user(app_store, "provider", old_org["id"])
    token = _personal_token(client.application, provider.email)
    url = f"/api/v1/locations/{shelter['id']}"
    read = client.get(url, headers=bearer(token))
    assert read.status_code == 200

    _admin_patch(client.application, app_store, provider.id, {"organization_id": new_org["id"]})

    assert client.get(url, headers=bearer(token)).status_code == 404
    edit = client.patch(
        url, json={"name": "Mine"}, headers=bearer(token, **{"If-Match": read.headers["ETag"]})
    )
    assert edit.status_code == 404
    assert app_store.get("location", shelter["id"])["name"] == shelter["name"]


def test_a_deactivated_users_token_stops_even_without_the_api(client, app_store):
    """Deactivation by any path (here straight in the store) ends the token at once."""
    caseworker = make_user(app_store, "caseworker")
    token = _personal_token(client.application, caseworker.email)
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200
    users.save_user(app_store, users.get_user(app_store, caseworker.id), active=False)
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
