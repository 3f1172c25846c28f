"""POST /api/v1/match over HTTP, on the demo directory, for the public and for caseworkers."""

from __future__ import annotations

import json

import pytest

from tests import factories as f
from tests.conftest import bearer

GOMA = {"lat": -1.67, "lon": 29.22}
# The demo listings: Goma's confidential shelter sits at -1.655, 29.19; its restricted legal
# clinic landmark reads "2e étage au-dessus de la pharmacie".
SHELTER_POINT = ("-1.655", "29.19")


@pytest.fixture
def demo(app, app_store):
    result = app.test_cli_runner().invoke(args=["seed", "--only", "demo"])
    assert result.exit_code == 0, result.output
    return app_store


def _match(client, headers=None, **body):
    response = client.post("/api/v1/match", json={"location": GOMA, **body}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _names(items):
    return [i["service"]["name"] for i in items]


def test_urgent_medical_need_gets_the_pep_service_open_now(client, demo):
    answer = _match(
        client, needs=["medical"], hours_since_incident=10, at="2026-11-29T03:00:00+00:00"
    )
    (medical,) = answer["needs"]
    assert medical["urgent"] is True
    first = medical["results"][0]
    assert first["service"]["name"] == "Prise en charge médicale du viol (démo)"
    assert first["open_now"] is True and "pep" in first["service"]["capabilities"]
    assert first["distance_km"] > 0 and first["travel_minutes"] > 0
    assert {m["code"] for m in medical["messages"]} >= {"urgent", "no_report_needed"}
    assert _names(answer["hotlines"])


def test_shelter_is_offered_by_its_front_door_only(client, demo):
    answer = _match(client, needs=["shelter"])
    (shelter,) = answer["needs"]
    assert shelter["results"] == []
    (front_door,) = shelter["remote"]
    assert front_door["location"] is None and front_door["distance_km"] is None
    assert front_door["service"]["phones"][0]["type"] == "hotline"
    text = json.dumps(answer)
    assert SHELTER_POINT[0] not in text and SHELTER_POINT[1] not in text


def test_restricted_locations_only_for_signed_in_caseworkers(client, demo, tokens):
    public = _match(client, needs=["legal"])
    assert public["needs"][0]["results"] == []
    assert "pharmacie" not in json.dumps(public)
    staff = _match(client, headers=bearer(tokens["caseworker"]), needs=["legal"])
    (first,) = staff["needs"][0]["results"][:1]
    assert first["location"]["confidentiality"] == "restricted"
    assert "pharmacie" in first["location"]["description"]


def test_unmet_need_says_so_and_points_beyond_the_radius(client, demo):
    answer = _match(client, needs=["education"], max_distance_km=20)
    (education,) = answer["needs"]
    assert education["unmet"] is True
    assert {m["code"] for m in education["messages"]} >= {"unmet", "none_in_range"}
    beyond = education["nearest_beyond"]
    assert beyond["service"]["name"] == "Retour à l'école et alphabétisation (démo)"
    assert beyond["distance_km"] > 20
    assert answer["uncovered"] == ["education"]


def test_care_plan_covers_needs_with_few_stops(client, demo):
    answer = _match(
        client, needs=["medical", "psychosocial"], location={"lat": -2.51, "lon": 28.86}
    )
    (stop,) = answer["care_plan"]
    assert stop["service"]["name"] == "Prise en charge holistique (démo)"
    assert stop["covers"] == ["medical", "psychosocial"]


def test_place_id_instead_of_a_point(client, demo):
    place = client.get("/api/v1/places?q=bunia").get_json()["items"][0]
    answer = _match(client, needs=["medical"], location={"place_id": place["id"]})
    assert answer["needs"][0]["results"][0]["service"]["name"] == "Soins post-viol (démo)"


def test_blocking_alert_removes_a_service(client, demo):
    answer = _match(
        client, needs=["psychosocial"], location={"lat": 1.56, "lon": 30.245}, max_distance_km=10
    )
    assert "Écoute et gestion de cas (démo)" not in _names(answer["needs"][0]["results"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"needs": ["medical"], "survivor_name": "A"}, "survivor_name"),
        ({"needs": ["medical"], "phone": "+243"}, "phone"),
        ({"needs": ["medical"], "notes": "x"}, "notes"),
        ({"needs": []}, "needs"),
        ({"needs": ["medical", "medical"]}, "needs"),
        ({"needs": ["magic"]}, "needs.0"),
        ({"needs": ["medical"], "location": {"lat": 95, "lon": 29}}, "location.lat"),
        ({"needs": ["medical"], "location": {"lat": -1.6}}, "location.lat"),
        ({"needs": ["medical"], "location": {"place_id": "osm:0"}}, "location.place_id"),
        (
            {"needs": ["medical"], "location": {"lat": 1, "lon": 2, "place_id": "osm:1"}},
            "location.place_id",
        ),
        ({"needs": ["medical"], "max_distance_km": 5000}, "max_distance_km"),
        ({"needs": ["medical"], "limit": 21}, "limit"),
        ({"needs": ["medical"], "mode": "helicopter"}, "mode"),
        ({"needs": ["medical"], "age": 130}, "age"),
        ({"needs": ["medical"], "age": 9, "age_group": "child"}, "age_group"),
        ({"needs": ["medical"], "sex": "unknown"}, "sex"),
        ({"needs": ["medical"], "hours_since_incident": -1}, "hours_since_incident"),
        ({"needs": ["medical"], "at": "2026-11-29T03:00:00"}, "at"),
        ({"needs": ["medical"], "accessibility": ["teleport"]}, "accessibility.0"),
    ],
)
def test_bad_requests_are_422_naming_the_field(client, body, field):
    response = client.post("/api/v1/match", json={"location": GOMA, **body})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"], response.get_json()


def test_the_point_never_goes_in_a_url(client):
    assert client.get("/api/v1/match?lat=-1.6&lon=29.2&needs=medical").status_code == 405


def test_nothing_about_a_request_is_stored_or_logged(client, demo, caplog):
    before = (list(demo.export()), list(demo.export_history()))
    with caplog.at_level("DEBUG"):
        _match(
            client,
            needs=["medical", "legal"],
            location={"lat": -1.6789, "lon": 29.2345},
            age=17,
            sex="female",
        )
    assert (list(demo.export()), list(demo.export_history())) == before
    assert "29.2345" not in caplog.text and "-1.6789" not in caplog.text


def test_confidential_shelters_in_name_order_past_full_ones(client, app_store):
    """Only the first shelters in name order are read; full ones (no place left) are skipped
    and the list goes on past them, whatever the case of the names."""
    org = app_store.create("organization", f.organization(name="Réseau"), "test")
    names = [f"{'abri' if i % 2 else 'Abri'} {i:02d}" for i in range(1, 15)]
    full = {1, 2, 3, 4, 5, 6, 7, 9}
    for number, name in reversed(list(enumerate(names, start=1))):
        secret = app_store.create(
            "location", f.location(org["id"], confidentiality="confidential"), "test"
        )
        places = 0 if number in full else 2
        capacity = {"available": places, "total": 10, "updated_at": "2026-11-20T07:00:00+00:00"}
        app_store.create(
            "service",
            f.service(org["id"], [secret["id"]], name=name, needs=["shelter"],
                      service_area=["CD61"], capacity=capacity),
            "test",
        )  # fmt: skip
    (shelter,) = _match(client, needs=["shelter"])["needs"]
    assert _names(shelter["remote"]) == ["Abri 08", "Abri 10", "abri 11"]
    assert all(item["location"] is None for item in shelter["remote"])
    (four,) = _match(client, needs=["shelter"], limit=4)["needs"]
    assert _names(four["remote"]) == ["Abri 08", "Abri 10", "abri 11", "Abri 12"]
    secret = app_store.create(
        "location", f.location(org["id"], confidentiality="confidential"), "test"
    )
    app_store.create(
        "service",
        f.service(org["id"], [secret["id"]], name="Zèbre", needs=["legal"], service_area=["CD61"]),
        "test",
    )
    shelter, legal = _match(client, needs=["shelter", "legal"])["needs"]
    assert _names(shelter["remote"]) == ["Abri 08", "Abri 10", "abri 11"]
    assert _names(legal["remote"]) == ["Zèbre"]  # last in name order, the only legal one


def test_a_hospital_out_of_pep_still_gives_its_other_care_and_the_answer_names_pep(
    client, app_store
):
    """Issue 19, item 3, end to end: the matchmaker looks beyond the radius for a place that
    gives PEP when the only place near gives other care only."""
    org = f.organization(name="Hôpital")
    app_store.create("organization", org, "test")
    near = f.location(org["id"], name="Hôpital de Goma", latitude=-1.66, longitude=29.22)
    far = f.location(org["id"], name="Centre lointain", latitude=-0.5, longitude=29.3)
    for place in (near, far):
        app_store.create("location", place, "test")
    always = {"always_open": True, "hours": [], "description": ""}
    hospital = f.service(
        org["id"],
        [near["id"]],
        name="Urgences",
        schedule=always,
        capabilities=["pep", "emergency_contraception"],
        stock_out=["pep"],
    )
    giving = f.service(org["id"], [far["id"]], name="PEP lointaine", schedule=always,
                       capabilities=["pep"])  # fmt: skip
    for service in (hospital, giving):
        app_store.create("service", service, "test")
    answer = _match(client, needs=["medical"], hours_since_incident=10, max_distance_km=50)
    (medical,) = answer["needs"]
    assert _names(medical["results"]) == ["Urgences"]
    assert medical["results"][0]["warnings"][0] == {
        "code": "treatment_out_of_stock", "params": {"capability": "pep"},
    }  # fmt: skip
    assert "urgent_none_open" in {m["code"] for m in medical["messages"]}
    assert medical["nearest_beyond"]["service"]["name"] == "PEP lointaine"


def test_a_specialised_verified_service_comes_before_a_nearer_open_data_point(client, app_store):
    """Issue 19, item 2, end to end: the open-data point (source healthsites.io) is said as
    such and ranks after a verified clinic recording clinical management of rape, 8 km
    farther (about 27 minutes by moto, less than the 60 minutes of doubt)."""
    from directory.exchange.seed_facilities import SOURCE

    org = f.organization(name="Santé")
    app_store.create("organization", org, "test")
    near = f.location(org["id"], name="Point OSM", latitude=-1.671, longitude=29.22)
    clinic = f.location(org["id"], name="Clinique", latitude=-1.60, longitude=29.22)
    for place in (near, clinic):
        app_store.create("location", place, "test")
    point = f.service(org["id"], [near["id"]], name="Dispensaire (OSM)", source=SOURCE)
    verified = f.service(org["id"], [clinic["id"]], name="Prise en charge VBG",
                         capabilities=["cmr"], phones=[{"number": "+243970000001"}],
                         last_verified_at="2026-11-01T00:00:00+00:00")  # fmt: skip
    for service in (point, verified):
        app_store.create("service", service, "test")
    answer = _match(client, needs=["medical"], at="2026-11-29T09:00:00+00:00")
    results = answer["needs"][0]["results"]
    assert _names(results) == ["Prise en charge VBG", "Dispensaire (OSM)"]
    assert "gbv_specialised" in {r["code"] for r in results[0]["reasons"]}
    assert {"open_data_point", "no_phone"} <= {w["code"] for w in results[1]["warnings"]}


def test_a_male_survivors_shelter_search_says_what_was_left_out_and_why(client, tokens, app_store):
    """Issue 19, item 4, end to end: the women-only shelter with 4 free places is counted as
    left out, with its name and distance for a caseworker and neither for the public."""
    org = f.organization(name="Refuge")
    app_store.create("organization", org, "test")
    place = f.location(org["id"], name="Maison", latitude=-1.645, longitude=29.22,
                       confidentiality="restricted")  # fmt: skip
    app_store.create("location", place, "test")
    capacity = {"available": 4, "total": 8, "updated_at": "2026-11-28T08:00:00+00:00"}
    shelter = f.service(org["id"], [place["id"]], name="Refuge pour femmes", needs=["shelter"],
                        eligibility={"sexes": ["female"]}, capacity=capacity)  # fmt: skip
    app_store.create("service", shelter, "test")
    body = {"needs": ["shelter"], "sex": "male", "at": "2026-11-29T09:00:00+00:00"}
    staff = _match(client, bearer(tokens["caseworker"]), **body)["needs"][0]
    assert staff["results"] == []
    (left,) = staff["left_out"]
    assert (left["rule"], left["count"]) == ("sex", 1)
    assert left["nearest"]["service"]["name"] == "Refuge pour femmes"
    assert 2 < left["nearest"]["distance_km"] < 4
    public = _match(client, **body)["needs"][0]
    assert public["left_out"] == []  # a restricted place is never counted for the public
    female = _match(client, bearer(tokens["caseworker"]), **{**body, "sex": "female"})
    assert [r["service"]["name"] for r in female["needs"][0]["results"]] == ["Refuge pour femmes"]


def _json_schema(openapi: dict, name: str) -> dict:
    """The OpenAPI 3.0 component ``name`` as a JSON Schema: ``nullable`` becomes a null type,
    and an object with listed properties takes no other (so an undocumented field fails)."""

    def convert(node):
        if isinstance(node, list):
            return [convert(n) for n in node]
        if not isinstance(node, dict):
            return node
        node = {k: convert(v) for k, v in node.items()}
        if node.pop("nullable", False):
            node = {"anyOf": [{"type": "null"}, node]} if "type" not in node else {
                **node, "type": [node["type"], "null"]}  # fmt: skip
        if "properties" in node:
            node.setdefault("additionalProperties", False)
        return node

    components = convert(openapi["components"])
    return {"$ref": f"#/components/schemas/{name}", "components": components}


@pytest.mark.parametrize("staff", [False, True])
def test_every_answer_is_what_the_openapi_document_says(client, demo, tokens, staff):
    """The documented 200 response of /match (``MatchResponse``) describes real answers: every
    field present, typed and documented, for the public and for a caseworker."""
    from jsonschema import Draft7Validator

    document = client.get("/api/v1/openapi.json").get_json()
    responses = document["paths"]["/api/v1/match"]["post"]["responses"]
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/MatchResponse"
    )
    validator = Draft7Validator(_json_schema(document, "MatchResponse"))
    headers = bearer(tokens["caseworker"]) if staff else None
    bodies = [
        {"needs": ["medical", "psychosocial", "legal", "shelter"], "hours_since_incident": 30},
        {"needs": ["medical"], "age": 15, "sex": "female", "languages": ["sw"]},
        {"needs": ["livelihood", "material"], "max_distance_km": 5, "limit": 1},
    ]
    for body in bodies:
        answer = _match(client, headers=headers, **body)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(answer)]
        assert errors == [], body
