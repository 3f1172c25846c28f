"""Confidential and restricted locations, as each caller sees them (GUIDE §4.3)."""

from __future__ import annotations

from tests.api.helpers import create, goma_listing
from tests.conftest import bearer


def _shelter(client, admin, org_id, tier):
    loc = create(
        client,
        admin,
        "location",
        {
            "name": f"{tier} site",
            "organization_id": org_id,
            "latitude": -1.655,
            "longitude": 29.19,
            "adm1_pcode": "CD61",
            "confidentiality": tier,
            "description": "Behind the blue gate",
        },
    )
    svc = create(
        client,
        admin,
        "service",
        {
            "name": "Shelter",
            "organization_id": org_id,
            "needs": ["shelter"],
            "location_ids": [loc["id"]],
            "service_area": ["CD61"],
        },
    )
    return loc, svc


def test_confidential_location_is_invisible_to_the_public(client, tokens):
    org, public_loc, _ = goma_listing(client, tokens["admin"])
    loc, svc = _shelter(client, tokens["admin"], org["id"], "confidential")
    assert client.get(f"/api/v1/locations/{loc['id']}").status_code == 404
    for token in (None, tokens["caseworker"]):
        headers = bearer(token) if token else {}
        listed = client.get("/api/v1/locations", headers=headers).get_json()
        assert [d["id"] for d in listed["items"]] == [public_loc["id"]]
        assert listed["total"] == 1
        assert (
            client.get(f"/api/v1/services/{svc['id']}", headers=headers).get_json()["location_ids"]
            == []
        )
    body = client.get("/api/v1/services?need=shelter").get_data(as_text=True)
    assert "blue gate" not in body and "29.19" not in body
    staff = client.get(f"/api/v1/locations/{loc['id']}", headers=bearer(tokens["coordinator"]))
    assert staff.status_code == 200 and staff.get_json()["latitude"] == -1.655


def test_restricted_address_only_for_signed_in_caseworkers(client, tokens):
    org, _, _ = goma_listing(client, tokens["admin"])
    loc, _ = _shelter(client, tokens["admin"], org["id"], "restricted")
    public = client.get(f"/api/v1/locations/{loc['id']}").get_json()
    assert public["latitude"] is None and public["description"] is None
    assert public["adm1_pcode"] == "CD61"
    seen = client.get(f"/api/v1/locations/{loc['id']}", headers=bearer(tokens["caseworker"]))
    assert seen.get_json()["description"] == "Behind the blue gate"


def test_public_listing_does_not_change_when_a_confidential_location_moves(client, tokens):
    org, _, _ = goma_listing(client, tokens["admin"])
    loc, _ = _shelter(client, tokens["admin"], org["id"], "confidential")
    urls = [
        "/api/v1/locations",
        "/api/v1/services",
        "/api/v1/services?area=CD61",
        "/api/v1/locations?area=CD61",
        "/api/v1/organizations",
    ]
    before = [(client.get(u).get_data(), client.get(u).headers.get("ETag")) for u in urls]
    moved = client.patch(
        f"/api/v1/locations/{loc['id']}",
        json={"latitude": -1.60, "longitude": 29.25},
        headers=bearer(tokens["admin"], **{"If-Match": '"1"'}),
    )
    assert moved.status_code == 200
    after = [(client.get(u).get_data(), client.get(u).headers.get("ETag")) for u in urls]
    assert after == before


def test_a_landmark_is_never_found_by_who_may_not_read_it(client, tokens):
    """Searching a restricted location's landmark words must not reveal what it says."""
    org, _, _ = goma_listing(client, tokens["admin"])
    loc, _ = _shelter(client, tokens["admin"], org["id"], "restricted")

    def found(query, token=None):
        headers = bearer(token) if token else {}
        body = client.get(f"/api/v1/locations?q={query}", headers=headers).get_json()
        return [item["id"] for item in body["items"]], body["total"]

    assert found("blue gate") == ([], 0)  # the public, by landmark words
    assert found("restricted site") == ([loc["id"]], 1)  # ... by name, as before
    assert found("blue gate", tokens["caseworker"]) == ([loc["id"]], 1)
    assert found("blue gate", tokens["coordinator"]) == ([loc["id"]], 1)
