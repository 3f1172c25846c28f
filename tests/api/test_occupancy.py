"""A shelter's occupancy is not published (issue 19, item 7; GUIDE §4.11): the public — API,
HSDS, match answers — learns at most whether places are available (yes / no / unknown), never
a count or when it was counted; referral staff and the shelter's own organization read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from directory.core.rights import issue_token
from tests import factories
from tests.conftest import bearer

NOW = datetime.now(UTC)


@pytest.fixture
def shelter(app_store):
    org = factories.organization(name="Refuge Amani")
    app_store.create("organization", org, "test")
    place = factories.location(org["id"], name="Maison", confidentiality="public")
    app_store.create("location", place, "test")
    capacity = {"available": 3, "total": 8, "updated_at": NOW.isoformat(timespec="seconds")}
    service = factories.service(
        org["id"], [place["id"]], name="Hébergement", needs=["shelter"], capacity=capacity
    )
    app_store.create("service", service, "test")
    return org, service


def _counts_in(text: str) -> bool:
    return "capacity_available" in text or '"available"' in text or "capacity_total" in text


def test_the_public_sees_whether_places_are_free_never_how_many(client, shelter):
    _, service = shelter
    read = client.get(f"/api/v1/services/{service['id']}")
    assert read.status_code == 200
    assert read.get_json()["capacity"] is None
    assert read.get_json()["places_available"] == "yes"
    listed = client.get("/api/v1/services?need=shelter").get_data(as_text=True)
    hsds = client.get(f"/hsds/services/{service['id']}").get_data(as_text=True)
    feed = client.get("/hsds/services?format=ndjson&full=true").get_data(as_text=True)
    for text in (listed, hsds, feed):
        assert not _counts_in(text) and "places_available" in text
    answer = client.post(
        "/api/v1/match", json={"location": {"lat": -1.68, "lon": 29.22}, "needs": ["shelter"]}
    ).get_json()
    (result,) = answer["needs"][0]["results"]
    codes = {r["code"] for r in result["reasons"]}
    assert "has_places" in codes and "has_capacity" not in codes


@pytest.mark.parametrize(("available", "age_days", "said"), [
    (0, 0, "no"), (2, 0, "yes"), (2, 8, "unknown"),
])  # fmt: skip
def test_places_available_is_yes_no_or_unknown_when_stale(
    client, app_store, shelter, available, age_days, said
):
    _, service = shelter
    counted = (NOW - timedelta(days=age_days)).isoformat(timespec="seconds")
    content = {k: v for k, v in service.items() if k not in ("version", "created_at",
                                                              "updated_at", "id")}  # fmt: skip
    content["capacity"] = {"available": available, "total": 8, "updated_at": counted}
    app_store.update("service", service["id"], content, 1, "test")
    read = client.get(f"/api/v1/services/{service['id']}").get_json()
    assert read["places_available"] == said and read["capacity"] is None


def test_staff_and_the_shelters_own_provider_read_the_count(client, app_store, tokens, shelter):
    org, service = shelter
    own = issue_token(app_store, "provider", "own", org["id"])
    other_org = factories.organization(name="Autre")
    app_store.create("organization", other_org, "test")
    other = issue_token(app_store, "provider", "other", other_org["id"])
    url = f"/api/v1/services/{service['id']}"
    for secret in (tokens["coordinator"], tokens["caseworker"], own):
        body = client.get(url, headers=bearer(secret)).get_json()
        assert body["capacity"]["available"] == 3 and "places_available" not in body
    assert client.get(url, headers=bearer(other)).get_json()["capacity"] is None
