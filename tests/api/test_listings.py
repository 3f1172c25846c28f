"""The listings API: create, read back, update with ETags, list, deactivate, history."""

from __future__ import annotations

from tests.api.helpers import create, goma_listing, snapshot
from tests.conftest import bearer


def test_created_listing_reads_back_identically(client, tokens):
    org, loc, svc = goma_listing(client, tokens["admin"])
    for plural, doc in (("organizations", org), ("locations", loc), ("services", svc)):
        response = client.get(f"/api/v1/{plural}/{doc['id']}")
        assert response.status_code == 200
        assert response.get_json() == doc
        assert response.headers["ETag"] == '"1"'
    assert svc["schedule"] == {"always_open": False, "hours": [], "description": ""}
    assert loc["tz"] == "Africa/Lubumbashi"


def test_ids_are_random_uuids(client, tokens):
    a = create(client, tokens["admin"], "organization", {"name": "A"})
    b = create(client, tokens["admin"], "organization", {"name": "A"})
    assert a["id"] != b["id"] and len(a["id"]) == 36 and a["id"][14] == "4"


def test_patch_needs_if_match_and_rejects_stale_versions(client, tokens, app_store):
    _, _, svc = goma_listing(client, tokens["admin"])
    url, admin = f"/api/v1/services/{svc['id']}", tokens["admin"]
    missing = client.patch(url, json={"name": "X"}, headers=bearer(admin))
    assert missing.status_code == 428
    assert missing.get_json()["error"]["code"] == "precondition_required"
    ok = client.patch(url, json={"name": "Soins 24h"}, headers=bearer(admin, **{"If-Match": '"1"'}))
    assert ok.status_code == 200
    assert ok.get_json()["version"] == 2 and ok.headers["ETag"] == '"2"'
    before = snapshot(app_store)
    stale = client.patch(url, json={"name": "Lost"}, headers=bearer(admin, **{"If-Match": '"1"'}))
    assert stale.status_code == 412
    assert snapshot(app_store) == before


def test_patch_replaces_named_fields_only(client, tokens):
    _, _, svc = goma_listing(client, tokens["admin"], capabilities=["pep"])
    response = client.patch(
        f"/api/v1/services/{svc['id']}",
        json={"schedule": {"always_open": True}},
        headers=bearer(tokens["admin"], **{"If-Match": '"1"'}),
    )
    doc = response.get_json()
    assert doc["schedule"]["always_open"] is True
    assert doc["capabilities"] == ["pep"]


def test_organization_id_cannot_change(client, tokens):
    org, loc, _ = goma_listing(client, tokens["admin"])
    other = create(client, tokens["admin"], "organization", {"name": "Other"})
    response = client.patch(
        f"/api/v1/locations/{loc['id']}",
        json={"organization_id": other["id"]},
        headers=bearer(tokens["admin"], **{"If-Match": '"1"'}),
    )
    assert response.status_code == 422
    assert "organization_id" in response.get_json()["error"]["fields"]


def test_delete_deactivates_and_keeps_history(client, tokens):
    _, _, svc = goma_listing(client, tokens["admin"])
    url = f"/api/v1/services/{svc['id']}"
    response = client.delete(url, headers=bearer(tokens["admin"], **{"If-Match": '"1"'}))
    assert response.status_code == 200 and response.get_json()["status"] == "inactive"
    assert client.get(url).get_json()["status"] == "inactive"
    history = client.get(url + "/history", headers=bearer(tokens["coordinator"])).get_json()
    assert [c["action"] for c in history["items"]] == ["create", "update"]
    assert history["items"][1]["old"]["status"] == "active"


def test_list_filters_and_pages(client, tokens):
    goma_listing(client, tokens["admin"])
    page = client.get("/api/v1/services?need=medical&area=CD61&q=soin&per_page=5").get_json()
    assert page["total"] == 1 and page["page"] == 1 and page["per_page"] == 5
    assert client.get("/api/v1/services?need=legal").get_json()["total"] == 0
    assert client.get("/api/v1/services?area=CD10").get_json()["total"] == 0


def test_writes_need_a_writer(client, tokens):
    body = {"name": "Nope"}
    assert client.post("/api/v1/organizations", json=body).status_code == 401
    denied = client.post("/api/v1/organizations", json=body, headers=bearer(tokens["caseworker"]))
    assert denied.status_code == 403
    assert (
        client.post(
            "/api/v1/organizations", json=body, headers=bearer("njia_not-a-token")
        ).status_code
        == 401
    )


def test_provider_writes_only_its_own_listings(client, tokens, app_store):
    from directory.core.rights import issue_token

    own, own_loc, own_svc = goma_listing(client, tokens["admin"])
    other = create(client, tokens["admin"], "organization", {"name": "Other"})
    provider = issue_token(app_store, "provider", "p", own["id"])
    headers = bearer(provider, **{"If-Match": '"1"'})
    assert (
        client.patch(
            f"/api/v1/services/{own_svc['id']}", json={"name": "Mine"}, headers=headers
        ).status_code
        == 200
    )
    before = snapshot(app_store)
    foreign = client.patch(
        f"/api/v1/organizations/{other['id']}", json={"name": "Hijack"}, headers=headers
    )
    assert foreign.status_code == 404
    assert (
        foreign.get_json()
        == client.patch(
            "/api/v1/organizations/00000000-0000-4000-8000-000000000000",
            json={"name": "x"},
            headers=headers,
        ).get_json()
    )
    verify = client.patch(
        f"/api/v1/locations/{own_loc['id']}",
        json={"last_verified_at": "2026-11-01T00:00:00Z"},
        headers=headers,
    )
    assert verify.status_code == 422
    assert "last_verified_at" in verify.get_json()["error"]["fields"]
    assert (
        client.post(
            "/api/v1/locations",
            headers=bearer(provider),
            json={
                "name": "x",
                "organization_id": other["id"],
                "latitude": 0,
                "longitude": 20,
                "adm1_pcode": "CD10",
            },
        ).status_code
        == 404
    )
    assert snapshot(app_store) == before
