"""What moderation guards on an edit it guards on creation and re-linking (GUIDE §4.9): a
provider cannot put a service at an unmoderated point, claim PEP, or bring back a retired
service by creating or re-linking instead of editing (issue 17, item 3)."""

from __future__ import annotations

from directory.core.rights import issue_token
from tests.api.helpers import goma_listing
from tests.conftest import bearer

FAR = {"lat": -4.3217, "lon": 15.3125}  # Kinshasa, 1,500 km from the Goma listing
URGENT = {"location": FAR, "needs": ["medical"], "hours_since_incident": 5}


def _match(version: int) -> dict[str, str]:
    return {"If-Match": f'"{version}"'}


def _names_found(client, body=URGENT) -> list[str]:  # type: ignore[no-untyped-def]
    answer = client.post("/api/v1/match", json=body)
    assert answer.status_code == 200, answer.get_json()
    return [r["service"]["name"] for r in answer.get_json()["needs"][0]["results"]]


def _approve(client, coordinator: str, change_id: str) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/moderation/{change_id}/approve"
    response = client.post(url, json={"reason": "checked"}, headers=bearer(coordinator))
    assert response.status_code == 200, response.get_json()


def _new_pep_service_far_away(client, provider: str, org_id: str):  # type: ignore[no-untyped-def]
    location = client.post(
        "/api/v1/locations",
        json={"name": "Point posé", "organization_id": org_id, "latitude": FAR["lat"],
              "longitude": FAR["lon"], "adm1_pcode": "CD10"},
        headers=bearer(provider),
    )  # fmt: skip
    assert location.status_code == 201
    return location.get_json(), client.post(
        "/api/v1/services",
        json={"name": "PEP 24/7", "organization_id": org_id, "needs": ["medical"],
              "capabilities": ["pep"], "schedule": {"always_open": True},
              "location_ids": [location.get_json()["id"]]},
        headers=bearer(provider),
    )  # fmt: skip


def test_a_providers_new_service_waits_retired_until_a_coordinator_activates_it(
    client, tokens, app_store
):
    org, _, _ = goma_listing(client, tokens["admin"])
    provider = issue_token(app_store, "provider", "p", org["id"])
    _, created = _new_pep_service_far_away(client, provider, org["id"])
    assert created.status_code == 202
    body = created.get_json()
    assert body["listing"]["status"] == "inactive"
    (pending,) = body["pending"]
    assert pending["changes"] == {"status": "active"}
    assert "PEP 24/7" not in _names_found(client)

    activate = client.patch(
        f"/api/v1/services/{body['listing']['id']}",
        json={"status": "active"},
        headers=bearer(provider, **_match(1)),
    )
    assert activate.status_code == 202  # bringing back a retired service waits too
    assert "PEP 24/7" not in _names_found(client)

    _approve(client, tokens["coordinator"], pending["id"])
    assert _names_found(client)[0] == "PEP 24/7"


def test_staff_create_services_live(client, tokens):
    org, _, svc = goma_listing(client, tokens["coordinator"])
    assert svc["status"] == "active"


def test_relinking_a_service_to_a_new_location_waits(client, tokens, app_store):
    org, _, svc = goma_listing(client, tokens["admin"], capabilities=["pep"],
                               schedule={"always_open": True})  # fmt: skip
    provider = issue_token(app_store, "provider", "p", org["id"])
    location, _ = _new_pep_service_far_away(client, provider, org["id"])
    relink = client.patch(
        f"/api/v1/services/{svc['id']}",
        json={"location_ids": [location["id"]]},
        headers=bearer(provider, **_match(1)),
    )
    assert relink.status_code == 202
    assert relink.get_json()["listing"]["location_ids"] == svc["location_ids"]
    assert "Soins" not in _names_found(client)


def test_moving_a_location_to_another_province_waits(client, tokens, app_store):
    org, loc, _ = goma_listing(client, tokens["admin"])
    provider = issue_token(app_store, "provider", "p", org["id"])
    moved = client.patch(
        f"/api/v1/locations/{loc['id']}",
        json={"adm1_pcode": "CD10", "tz": "Africa/Kinshasa"},
        headers=bearer(provider, **_match(1)),
    )
    assert moved.status_code == 202
    listing = moved.get_json()["listing"]
    assert (listing["adm1_pcode"], listing["tz"]) == ("CD61", "Africa/Lubumbashi")
    assert moved.get_json()["pending"][0]["changes"] == {
        "adm1_pcode": "CD10",
        "tz": "Africa/Kinshasa",
    }


def test_claiming_a_capability_waits_but_dropping_one_applies_at_once(client, tokens, app_store):
    org, _, svc = goma_listing(client, tokens["admin"], capabilities=["cmr"])
    provider = issue_token(app_store, "provider", "p", org["id"])
    url = f"/api/v1/services/{svc['id']}"
    claim = client.patch(
        url, json={"capabilities": ["cmr", "pep"], "stock_out": ["pep"]},
        headers=bearer(provider, **_match(1)),
    )  # fmt: skip
    assert claim.status_code == 202
    assert claim.get_json()["listing"]["capabilities"] == ["cmr"]
    assert claim.get_json()["listing"]["stock_out"] == []
    assert claim.get_json()["pending"][0]["changes"] == {
        "capabilities": ["cmr", "pep"],
        "stock_out": ["pep"],
    }
    drop = client.patch(url, json={"capabilities": []}, headers=bearer(provider, **_match(1)))
    assert drop.status_code == 200 and drop.get_json()["capabilities"] == []


def test_closing_and_reopening_apply_at_once(client, tokens, app_store):
    org, _, svc = goma_listing(client, tokens["admin"])
    provider = issue_token(app_store, "provider", "p", org["id"])
    url = f"/api/v1/services/{svc['id']}"
    closed = client.patch(
        url, json={"status": "temporarily_closed"}, headers=bearer(provider, **_match(1))
    )
    assert closed.status_code == 200
    reopened = client.patch(url, json={"status": "active"}, headers=bearer(provider, **_match(2)))
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "active"
    retired = client.delete(url, headers=bearer(provider, **_match(3)))
    assert retired.status_code == 200 and retired.get_json()["status"] == "inactive"
    back = client.patch(url, json={"status": "active"}, headers=bearer(provider, **_match(4)))
    assert back.status_code == 202 and back.get_json()["listing"]["status"] == "inactive"
