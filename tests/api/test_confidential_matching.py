"""Confidential services keep their location's facts when matched by the area they cover, and
their point goes only to those who may see it (issue 19, item 6). On both stores."""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import bearer

GOMA = {"lat": -1.67, "lon": 29.22}
KINSHASA = {"lat": -4.32, "lon": 15.31}
DAYTIME = [{"weekday": d, "opens": "08:00", "closes": "16:00"} for d in range(7)]


@pytest.fixture
def shelter(app_store):
    """A wheelchair-accessible safe shelter in Goma (Africa/Lubumbashi), open 08:00–16:00,
    whose service area is left empty (it takes survivors from anywhere)."""
    org = factories.organization(name="Refuge")
    app_store.create("organization", org, "test")
    place = factories.location(
        org["id"], name="Maison", confidentiality="confidential", latitude=-1.66,
        longitude=29.21, accessibility=["wheelchair"],
    )  # fmt: skip
    app_store.create("location", place, "test")
    service = factories.service(
        org["id"], [place["id"]], name="Hébergement sûr", needs=["shelter"],
        schedule={"always_open": False, "hours": DAYTIME, "description": ""},
    )  # fmt: skip
    app_store.create("service", service, "test")
    return service


def _shelter_need(client, where, headers=None, **extra):  # type: ignore[no-untyped-def]
    body = {"location": where, "needs": ["shelter"], **extra}
    response = client.post("/api/v1/match", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["needs"][0]


def test_an_empty_service_area_covers_everywhere(client, shelter):
    for where in (GOMA, KINSHASA):
        names = [r["service"]["name"] for r in _shelter_need(client, where)["remote"]]
        assert names == ["Hébergement sûr"]


def test_its_accessibility_comes_from_its_location(client, shelter):
    need = _shelter_need(client, GOMA, accessibility=["wheelchair"])
    assert [r["service"]["name"] for r in need["remote"]] == ["Hébergement sûr"]


def test_its_hours_are_judged_in_its_own_time_zone(client, shelter):
    """06:30 UTC is 08:30 in Goma (open) and 07:30 in Kinshasa: from Kinshasa it is open."""
    need = _shelter_need(client, KINSHASA, at="2026-12-02T06:30:00+00:00")
    (found,) = need["remote"]
    assert found["open_now"] is True
    later = _shelter_need(client, KINSHASA, at="2026-12-02T14:30:00+00:00")  # 16:30 in Goma
    assert later["remote"][0]["open_now"] is False


def test_only_coordinators_get_its_point_caseworkers_and_the_public_its_front_door(
    client, tokens, shelter
):
    staff = _shelter_need(client, GOMA, headers=bearer(tokens["coordinator"]))
    (placed,) = staff["results"]
    assert placed["location"]["latitude"] == -1.66 and placed["distance_km"] is not None
    for headers in (bearer(tokens["caseworker"]), None):
        need = _shelter_need(client, GOMA, headers=headers)
        assert need["results"] == []
        (door,) = need["remote"]
        assert door["location"] is None and door["distance_km"] is None
        assert "location_withheld" in {w["code"] for w in door["warnings"]}
