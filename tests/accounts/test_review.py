"""Providers keep their listings; coordinators moderate, verify and revert; history is kept."""

from __future__ import annotations

from directory.core.rights import issue_token
from tests.api.helpers import goma_listing
from tests.conftest import bearer


def _match(version):
    return {"If-Match": f'"{version}"'}


def test_sensitive_provider_edit_waits_for_a_coordinator(client, tokens, app_store):
    org, loc, svc = goma_listing(client, tokens["admin"])
    provider = issue_token(app_store, "provider", "p", org["id"])
    edit = client.patch(
        f"/api/v1/locations/{loc['id']}",
        json={"latitude": -1.70, "name": "Site renamed"},
        headers=bearer(provider, **_match(1)),
    )
    assert edit.status_code == 202
    body = edit.get_json()
    assert body["listing"]["name"] == "Site renamed"  # ordinary field: live at once
    assert body["listing"]["latitude"] == -1.6792  # the point waits
    (pending,) = body["pending"]
    assert pending["changes"] == {"latitude": -1.70} and pending["base_version"] == 2
    queue = client.get("/api/v1/moderation", headers=bearer(tokens["coordinator"])).get_json()
    assert [p["id"] for p in queue["items"]] == [pending["id"]]
    assert client.get("/api/v1/moderation", headers=bearer(provider)).status_code == 403
    approved = client.post(
        f"/api/v1/moderation/{pending['id']}/approve",
        json={"reason": "ok"},
        headers=bearer(tokens["coordinator"]),
    )
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert client.get(f"/api/v1/locations/{loc['id']}").get_json()["latitude"] == -1.70
    twice = client.post(
        f"/api/v1/moderation/{pending['id']}/approve",
        json={},
        headers=bearer(tokens["coordinator"]),
    )
    assert twice.status_code == 404


def test_rejected_change_is_not_applied_and_keeps_its_reason(client, tokens, app_store):
    org, _, svc = goma_listing(client, tokens["admin"])
    provider = issue_token(app_store, "provider", "p", org["id"])
    edit = client.patch(
        f"/api/v1/services/{svc['id']}",
        json={"needs": ["medical", "legal"]},
        headers=bearer(provider, **_match(1)),
    )
    assert edit.status_code == 202 and edit.get_json()["listing"]["version"] == 1
    change = edit.get_json()["pending"][0]
    rejected = client.post(
        f"/api/v1/moderation/{change['id']}/reject",
        json={"reason": "No legal staff"},
        headers=bearer(tokens["coordinator"]),
    )
    assert rejected.get_json()["reason"] == "No legal staff"
    assert client.get(f"/api/v1/services/{svc['id']}").get_json()["needs"] == ["medical"]


def test_raising_confidentiality_applies_at_once_lowering_is_refused(client, tokens, app_store):
    org, loc, _ = goma_listing(client, tokens["admin"])
    provider = issue_token(app_store, "provider", "p", org["id"])
    url = f"/api/v1/locations/{loc['id']}"
    up = client.patch(
        url, json={"confidentiality": "confidential"}, headers=bearer(provider, **_match(1))
    )
    assert up.status_code == 200 and up.get_json()["confidentiality"] == "confidential"
    down = client.patch(
        url, json={"confidentiality": "public"}, headers=bearer(provider, **_match(2))
    )
    assert down.status_code == 422 and "confidentiality" in down.get_json()["error"]["fields"]


def test_verify_confirm_and_revert_append_versions(client, tokens, app_store):
    org, _, svc = goma_listing(client, tokens["admin"])
    provider = issue_token(app_store, "provider", "p", org["id"])
    url = f"/api/v1/services/{svc['id']}"
    assert client.post(url + "/verify", headers=bearer(provider, **_match(1))).status_code == 403
    confirmed = client.post(url + "/confirm", headers=bearer(provider, **_match(1)))
    assert confirmed.status_code == 200 and confirmed.get_json()["last_confirmed_at"]
    verified = client.post(url + "/verify", headers=bearer(tokens["coordinator"], **_match(2)))
    assert verified.get_json()["last_verified_at"] and verified.get_json()["version"] == 3
    renamed = client.patch(url, json={"name": "Wrong"}, headers=bearer(provider, **_match(3)))
    assert renamed.status_code == 200
    reverted = client.post(
        url + "/revert", json={"version": 3}, headers=bearer(tokens["coordinator"], **_match(4))
    )
    assert reverted.status_code == 200
    doc = reverted.get_json()
    assert doc["name"] == "Soins" and doc["version"] == 5
    history = client.get(url + "/history", headers=bearer(provider)).get_json()["items"]
    assert [c["version"] for c in history] == [1, 2, 3, 4, 5]
    assert history[3]["new"]["name"] == "Wrong"  # never rewritten
    stale = client.post(
        url + "/revert", json={"version": 1}, headers=bearer(tokens["coordinator"], **_match(4))
    )
    assert stale.status_code == 412
    missing = client.post(
        url + "/revert", json={"version": 99}, headers=bearer(tokens["coordinator"], **_match(5))
    )
    assert missing.status_code == 422


def test_stale_review_lists_unverified_listings(client, tokens):
    _, _, svc = goma_listing(client, tokens["admin"])
    stale = client.get(
        "/api/v1/review/stale?kind=service", headers=bearer(tokens["coordinator"])
    ).get_json()
    assert [d["id"] for d in stale["items"]] == [svc["id"]]
    client.post(
        f"/api/v1/services/{svc['id']}/verify", headers=bearer(tokens["coordinator"], **_match(1))
    )
    after = client.get("/api/v1/review/stale?kind=service", headers=bearer(tokens["coordinator"]))
    assert after.get_json()["total"] == 0
