"""Caseworkers may belong to an organization (it signs their referrals) without owning its
listings; the ``caseworker`` access level admits caseworkers and staff only."""

from __future__ import annotations

import pytest

from directory.core import users
from directory.core.rights import issue_token
from directory.web.auth import ACCESS_LEVELS
from tests import factories as f
from tests.accounts.helpers import make_user, sign_in
from tests.conftest import bearer
from tests.workspace.conftest import referral_body


@pytest.fixture
def backend():
    return "sqlite"


def test_organization_rules_by_role(world, app_store):
    org = world["org"]["id"]
    caseworker = make_user(app_store, "caseworker", org)
    assert caseworker.organization_id == org
    assert make_user(app_store, "caseworker").organization_id is None
    for role in ("admin", "coordinator"):
        with pytest.raises(users.AccountError) as refused:
            make_user(app_store, role, org)
        assert refused.value.field == "organization_id"
    with pytest.raises(users.AccountError):
        make_user(app_store, "provider")
    with pytest.raises(users.AccountError):
        make_user(app_store, "caseworker", "00000000-0000-4000-8000-000000000000")
    with pytest.raises(ValueError):
        issue_token(app_store, "coordinator", "x", org)
    assert issue_token(app_store, "caseworker", "x", org)


def test_a_caseworkers_organization_signs_referrals_but_owns_no_listing(client, world, app_store):
    org = world["org"]
    shelter = app_store.create(
        "location", f.location(org["id"], name="Refuge", confidentiality="confidential"), "test"
    )
    make_user(app_store, "caseworker", org["id"], email="cw@example.org")
    csrf = sign_in(client, "cw@example.org")
    token = client.post("/api/v1/tokens", json={"label": "laptop"},
                        headers={"X-CSRFToken": csrf})  # fmt: skip
    assert token.status_code == 201, token.get_json()
    assert client.get(f"/api/v1/locations/{shelter['id']}").status_code == 404
    secret = token.get_json()["token"]
    assert client.get(f"/api/v1/locations/{shelter['id']}",
                      headers=bearer(secret)).status_code == 404  # fmt: skip
    patch = client.patch(f"/api/v1/organizations/{org['id']}", json={"description": "x"},
                         headers=bearer(secret, **{"If-Match": '"1"'}))  # fmt: skip
    assert patch.status_code == 403
    made = client.post("/api/v1/referrals", json=referral_body(world["svc"]["id"]),
                       headers=bearer(secret))  # fmt: skip
    assert made.status_code == 201
    assert made.get_json()["referring_organization_id"] == org["id"]


def test_caseworker_access_level(app, client, world):
    assert "caseworker" in ACCESS_LEVELS
    secrets = world["secrets"]
    expected = {"caseworker": 200, "coordinator": 200, "admin": 200, "provider": 403,
                "other_provider": 403}  # fmt: skip
    for who, status in expected.items():
        assert client.get("/workspace", headers=bearer(secrets[who])).status_code == status
    assert client.get("/workspace").status_code == 401
