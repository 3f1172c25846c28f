"""The referral-network flows read the referrals the workspace records: recorded through the
API by a caseworker of one organization, they appear in `/api/v1/network/flows` (counts under
5 withheld) and on the coordinators' network page. On both stores."""

from __future__ import annotations

from directory.core.rights import issue_token
from tests.api.helpers import create
from tests.conftest import bearer
from tests.workspace.conftest import referral_body


def test_recorded_referrals_reach_the_flow_table(client, world, tokens, app_store):
    referring = create(client, tokens["admin"], "organization", {"name": "Clinique Beta"})
    caseworker = issue_token(app_store, "caseworker", "cw", referring["id"])
    for _ in range(6):
        made = client.post("/api/v1/referrals", json=referral_body(world["svc"]["id"]),
                           headers=bearer(caseworker))  # fmt: skip
        assert made.status_code == 201, made.get_json()
    staff = bearer(tokens["coordinator"])
    flows = client.get("/api/v1/network/flows", headers=staff).get_json()
    assert flows["recorded"] == 6
    assert flows["total"] == 6  # six: above the suppression threshold, so published
    page = client.get("/gaps/network", headers=staff)
    assert page.status_code == 200
