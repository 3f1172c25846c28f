"""Every kind of bad input gets a 4xx in the one envelope, naming the field, changing nothing."""

from __future__ import annotations

import pytest

from tests.api.helpers import goma_listing, snapshot
from tests.conftest import bearer

LOCATION = {"name": "Site", "latitude": -1.68, "longitude": 29.22, "adm1_pcode": "CD61"}


def _location(org_id, **changes):
    return {**LOCATION, "organization_id": org_id, **changes}


BAD_LOCATIONS = [
    ({"latitude": 91}, "latitude"),
    ({"longitude": -181}, "longitude"),
    ({"latitude": "north"}, "latitude"),
    ({"latitude": None}, "latitude"),
    ({"adm1_pcode": "CD99"}, "adm1_pcode"),
    ({"adm1_pcode": "CD61", "adm2_pcode": "CD1001"}, "adm2_pcode"),
    ({"confidentiality": "secret"}, "confidentiality"),
    ({"tz": "Europe/Paris"}, "tz"),
    ({"id": "6f1c0b8e-3a52-4c1e-9a57-2b7d2f0e9c11"}, "id"),
    ({"version": 7}, "version"),
    ({"street": "Avenue"}, "street"),
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"organization_id": "not-a-uuid"}, "organization_id"),
    ({"organization_id": "6f1c0b8e-3a52-4c1e-9a57-2b7d2f0e9c11"}, "organization_id"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_LOCATIONS)
def test_bad_location_is_422_naming_the_field(client, tokens, app_store, changes, field):
    org, _, _ = goma_listing(client, tokens["admin"])
    before = snapshot(app_store)
    response = client.post(
        "/api/v1/locations", json=_location(org["id"], **changes), headers=bearer(tokens["admin"])
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["status"] == 422 and error["code"] == "validation_error"
    assert field in error["fields"], error
    assert snapshot(app_store) == before


BAD_SERVICES = [
    ({"needs": ["medical", "astrology"]}, "needs.1"),
    ({"needs": []}, "needs"),
    ({"needs": ["medical", "medical"]}, "needs"),
    ({"capabilities": ["teleportation"]}, "capabilities.0"),
    ({"stock_out": ["pep"]}, "stock_out"),
    ({"location_ids": []}, "location_ids"),
    ({"remote": True, "location_ids": [], "service_area": []}, "service_area"),
    ({"eligibility": {"min_age": 18, "max_age": 10}}, "eligibility.max_age"),
    ({"eligibility": {"sexes": ["unknown"]}}, "eligibility.sexes.0"),
    (
        {"schedule": {"hours": [{"weekday": 7, "opens": "08:00", "closes": "16:00"}]}},
        "schedule.hours.0.weekday",
    ),
    (
        {"schedule": {"hours": [{"weekday": 1, "opens": "8h", "closes": "16:00"}]}},
        "schedule.hours.0.opens",
    ),
    (
        {"capacity": {"available": 5, "total": 2, "updated_at": "2026-11-01T00:00:00Z"}},
        "capacity.available",
    ),
    ({"alert": {"text": "x", "expires_at": "tomorrow"}}, "alert.expires_at"),
    ({"languages": ["French"]}, "languages.0"),
    ({"phones": [{"number": "call me"}]}, "phones.0.number"),
    ({"status": "closed"}, "status"),
    ({"survivor_name": "A"}, "survivor_name"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_SERVICES)
def test_bad_service_is_422_naming_the_field(client, tokens, app_store, changes, field):
    org, loc, _ = goma_listing(client, tokens["admin"])
    body = {
        "name": "S",
        "organization_id": org["id"],
        "needs": ["medical"],
        "location_ids": [loc["id"]],
        **changes,
    }
    before = snapshot(app_store)
    response = client.post("/api/v1/services", json=body, headers=bearer(tokens["admin"]))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"], response.get_json()
    assert snapshot(app_store) == before


def test_bad_patch_changes_nothing(client, tokens, app_store):
    _, _, svc = goma_listing(client, tokens["admin"])
    before = snapshot(app_store)
    response = client.patch(
        f"/api/v1/services/{svc['id']}",
        json={"needs": ["x"]},
        headers=bearer(tokens["admin"], **{"If-Match": '"1"'}),
    )
    assert response.status_code == 422
    assert "needs.0" in response.get_json()["error"]["fields"]
    assert snapshot(app_store) == before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=1000", "per_page"),
        ("page=0", "page"),
        ("need=x", "need"),
        ("area=ZZ", "area"),
        ("q=" + "x" * 101, "q"),
        ("colour=red", "colour"),
        ("organization_id=1", "organization_id"),
    ],
)
def test_bad_list_arguments(client, query, field):
    response = client.get(f"/api/v1/services?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_oversized_body_is_413(client, tokens, app_store):
    before = snapshot(app_store)
    body = {"name": "x", "description": "y" * (2 * 1024 * 1024)}
    response = client.post("/api/v1/organizations", json=body, headers=bearer(tokens["admin"]))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert snapshot(app_store) == before


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("{not json", "application/json"),
        ("name=x", "application/x-www-form-urlencoded"),
        ("[1, 2]", "application/json"),
        ("null", "application/json"),
    ],
)
def test_malformed_bodies_are_4xx_in_the_envelope(client, tokens, data, content_type):
    response = client.post(
        "/api/v1/organizations",
        data=data,
        content_type=content_type,
        headers=bearer(tokens["admin"]),
    )
    assert 400 <= response.status_code < 500
    assert set(response.get_json()["error"]) >= {"status", "code", "message"}


def test_unknown_routes_and_methods_use_the_envelope(client):
    missing = client.get("/api/v1/nothing")
    assert missing.status_code in (403, 404)
    assert "error" in missing.get_json()
    bad_id = client.get("/api/v1/services/not-a-uuid")
    assert bad_id.status_code in (403, 404)
    wrong = client.put("/api/v1/services")
    assert wrong.status_code in (403, 405)


def test_safe_json_reading_reads_what_json_reads_within_its_limits():
    """Property: a body within the depth and number limits reads exactly as ``json.loads``."""
    import json as std_json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from directory.web.bodies import read_json

    values = st.recursive(
        st.none() | st.booleans() | st.integers(-(10**30), 10**30)
        | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=30,
    )  # fmt: skip

    @settings(max_examples=300, deadline=None)
    @given(values)
    def reads_the_same(value):  # type: ignore[no-untyped-def]
        text = std_json.dumps(value)
        assert read_json(text) == std_json.loads(text)

    reads_the_same()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Clinique\u202eevil.exe"}, "name"),
        ({"name": "Clinique\x00"}, "name"),
        ({"name": "Ok", "description": "bell\x07"}, "description"),
        ({"name": "Ok", "phones": [{"number": "+243970000001", "description": "\u2066x"}]},
         "phones.0.description"),
    ],
)  # fmt: skip
def test_control_and_direction_characters_are_refused_naming_the_field(
    client, tokens, app_store, body, field
):
    from tests.api.helpers import snapshot
    from tests.conftest import bearer

    before = snapshot(app_store)
    response = client.post("/api/v1/organizations", json=body, headers=bearer(tokens["admin"]))
    assert response.status_code == 422
    assert "U+" in response.get_json()["error"]["fields"][field][0]
    assert snapshot(app_store) == before


def test_line_ends_and_tabs_stay_allowed_in_text(client, tokens):
    from tests.conftest import bearer

    body = {"name": "Centre Amani", "description": "Ligne 1\nLigne 2\r\n\tfin"}
    created = client.post("/api/v1/organizations", json=body, headers=bearer(tokens["admin"]))
    assert created.status_code == 201


def test_an_account_name_with_a_direction_override_is_refused(client, app_store):
    from directory.core import users
    from tests.accounts.helpers import PASSWORD

    _, token = users.create_invite(app_store, "x@example.org", "caseworker", None, "admin")
    body = {"token": token, "name": "Admin\u202e", "password": PASSWORD}
    response = client.post("/api/v1/invites/accept", json=body)
    assert response.status_code == 422 and "name" in response.get_json()["error"]["fields"]
    assert users.user_by_email(app_store, "x@example.org") is None
