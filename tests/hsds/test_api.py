"""``/hsds``: every answer valid HSDS, the public view only, filters and pagination."""

from __future__ import annotations

import json

from directory.exchange.hsds import mapping, vocab
from tests.hsds.conftest import SHELTER_POINT, validate

LIST_SCHEMAS = {
    "/hsds/services": "compiled/service_list",
    "/hsds/organizations": "compiled/organization_list",
    "/hsds/service_at_locations": "compiled/service_at_location_list",
    "/hsds/taxonomies": "taxonomy",
    "/hsds/taxonomy_terms": "taxonomy_term",
}


def get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
    return response.get_json()


def page_items(client, url: str, schema: str) -> list[dict]:
    body = get(client, url)
    assert set(body) >= {"total_items", "total_pages", "page_number", "size", "contents"}
    assert body["size"] == len(body["contents"])
    for item in body["contents"]:
        validate(schema, item)
    return body["contents"]


def every_answer(client, listings) -> dict[str, str]:
    """Every kind of /hsds answer for the rich directory, as text by URL."""
    ids = {k: v["id"] for k, v in listings.items()}
    sal = mapping.service_at_location_id(ids["clinic"], ids["public"])
    urls = [
        "/hsds/",
        f"/hsds/services/{ids['clinic']}",
        f"/hsds/services/{ids['shelter_service']}",
        f"/hsds/organizations/{ids['org']}?full_service=true",
        f"/hsds/service_at_locations/{sal}",
        "/hsds/organizations?full=true&full_service=true",
        "/hsds/services?full=true",
        "/hsds/service_at_locations?full=true",
        "/hsds/service_at_locations?lat=-1.66&lon=29.2&proximity=50000",
        "/hsds/services?format=ndjson&full=true",
        "/hsds/service_at_locations?format=ndjson&full=true",
        "/hsds/organizations?format=ndjson&full=true",
    ]
    return {url: client.get(url).get_data(as_text=True) for url in urls}


def test_root_links_the_profile_and_the_openapi_document(client):
    body = get(client, "/hsds/")
    assert body["version"] == "3.0"
    profile = client.get(body["profile"].removeprefix("http://localhost"))
    assert profile.status_code == 200 and b"Njia HSDS profile" in profile.data
    spec = get(client, body["openapi_url"].removeprefix("http://localhost"))
    assert spec["openapi"] == "3.1.0" and spec["servers"] == [{"url": "/hsds"}]


def test_every_collection_answers_valid_hsds_pages(client, listings):
    for url, schema in LIST_SCHEMAS.items():
        assert page_items(client, url, schema)
        page_items(client, url + "?full=true" if "taxonom" not in url else url, schema)
    for item in page_items(client, "/hsds/services?full=true", "compiled/service_list"):
        validate("compiled/service", item)
    for item in page_items(client, "/hsds/organizations?full=true", "compiled/organization_list"):
        validate("compiled/organization", item)


def test_items_by_id_are_valid_hsds(client, listings):
    ids = {k: v["id"] for k, v in listings.items()}
    for key in ("clinic", "shelter_service", "hotline"):
        validate("compiled/service", get(client, f"/hsds/services/{ids[key]}"))
    for flag in ("true", "false"):
        org = get(client, f"/hsds/organizations/{ids['org']}?full_service={flag}")
        validate("compiled/organization", org)
    sal_id = mapping.service_at_location_id(ids["clinic"], ids["public"])
    sal = get(client, f"/hsds/service_at_locations/{sal_id}")
    validate("compiled/service_at_location", sal)
    validate("compiled/service", sal)  # what the HSDS 3.0.0 openapi.json declares
    term = vocab.term_id("njia-need", "medical")
    validate("taxonomy_term", get(client, f"/hsds/taxonomy_terms/{term}"))
    validate("taxonomy", get(client, f"/hsds/taxonomies/{vocab.taxonomy_id('njia-need')}"))


def test_the_service_carries_the_profile_fields(client, listings):
    clinic = get(client, f"/hsds/services/{listings['clinic']['id']}")
    codes = {
        (a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"], a.get("value"))
        for a in clinic["attributes"]
    }
    assert {
        ("njia-need", "medical", None),
        ("njia-capability", "pep", "available"),
        ("njia-capability", "emergency_contraception", "out_of_stock"),
        ("njia-sex", "female", None),
        ("njia-field", "alert_blocking", "true"),
    } <= codes
    assert clinic["alert"] == "Route coupée" and clinic["minimum_age"] == 12
    hours = [
        (s["byday"], s["opens_at"], s["closes_at"], s["timezone"]) for s in clinic["schedules"]
    ]
    assert hours == [("MO", "08:00", "16:00", 2), ("FR", "20:00", "06:00", 2)]
    assert [lang["code"] for lang in clinic["languages"]] == ["fr", "sw", "lua"]


def test_confidential_locations_never_appear_and_restricted_ones_lose_their_point(client, listings):
    shelter = listings["shelter"]
    restricted = listings["restricted"]
    for url, text in every_answer(client, listings).items():
        for secret in (shelter["id"], shelter["name"], "toit bleu", str(SHELTER_POINT[0])):
            assert secret not in text, (url, secret)
        assert "Portail vert" not in text and "-1.67," not in text, url
    hidden = mapping.service_at_location_id(listings["shelter_service"]["id"], shelter["id"])
    assert client.get(f"/hsds/service_at_locations/{hidden}").status_code == 404
    sal = get(client, "/hsds/service_at_locations?per_page=100")
    assert sal["total_items"] == 3  # clinic × 2, shelter service × the public site only
    shown = {c["location"]["id"]: c["location"] for c in sal["contents"]}
    assert (
        "latitude" not in shown[restricted["id"]] and "description" not in shown[restricted["id"]]
    )


def test_public_answers_do_not_change_when_a_confidential_location_moves(
    client, app_store, listings
):
    before = every_answer(client, listings)
    shelter = app_store.get("location", listings["shelter"]["id"])
    moved = {k: v for k, v in shelter.items() if k not in ("version", "created_at", "updated_at")}
    moved.update(latitude=-1.6, longitude=29.25)
    app_store.update("location", shelter["id"], moved, shelter["version"], "test")
    assert every_answer(client, listings) == before


def test_pagination_counts_and_pages(client, listings):
    first = get(client, "/hsds/services?per_page=2")
    second = get(client, "/hsds/services?per_page=2&page=2")
    assert first["total_items"] == second["total_items"] == 3 and first["total_pages"] == 2
    assert (first["first_page"], first["last_page"]) == (True, False)
    assert (second["size"], second["last_page"]) == (1, True)
    names = [s["name"] for s in first["contents"] + second["contents"]]
    assert names == sorted(names)
    empty = get(client, "/hsds/services?search=introuvable")
    assert (empty["empty"], empty["total_items"], empty["contents"]) == (True, 0, [])


SERVICE_FILTERS = [
    ("search=hebergement", {"shelter_service"}),
    (f"taxonomy_term_id={vocab.term_id('njia-need', 'legal')}", {"hotline"}),
    (f"taxonomy_term_id={vocab.term_id('njia-capability', 'pep')}", {"clinic"}),
    (f"taxonomy_term_id={vocab.term_id('njia-area', 'CD6101')}", {"shelter_service"}),
    (f"taxonomy_id={vocab.taxonomy_id('njia-capability')}", {"clinic"}),
    (f"taxonomy_id={vocab.taxonomy_id('njia-need')}", {"clinic", "shelter_service", "hotline"}),
    ("taxonomy_term_id=nonsense", set()),
    ("modified_after=2000-01-01", {"clinic", "shelter_service", "hotline"}),
    ("modified_after=2999-01-01T00:00:00Z", set()),
]


def test_service_filters(client, listings):
    names = {v["id"]: k for k, v in listings.items()}
    for query, expected in SERVICE_FILTERS:
        body = get(client, f"/hsds/services?{query}")
        assert {names[s["id"]] for s in body["contents"]} == expected, query
        assert body["total_items"] == len(expected), query


def test_organization_filter_and_minimal(client, listings):
    body = get(client, f"/hsds/services?organization_id={listings['partner']['id']}&minimal=true")
    assert [set(s) for s in body["contents"]] == [{"id", "name", "status", "last_modified"}]
    assert body["contents"][0]["status"] == "temporarily closed"


def test_service_at_locations_near_a_point_uses_public_points_only(client, listings):
    near = get(client, "/hsds/service_at_locations?lat=-1.6792&lon=29.2228&proximity=2000")
    assert [c["location_id"] for c in near["contents"]] == [listings["public"]["id"]] * 2
    far = get(client, "/hsds/service_at_locations?lat=-4.3&lon=15.3&proximity=10000")
    assert far["total_items"] == 0
    assert client.get("/hsds/service_at_locations?lat=-1.6").status_code == 422
    assert client.get("/hsds/service_at_locations?proximity=10").status_code == 422


def test_postcode_is_a_pcode(client, listings):
    goma = get(client, "/hsds/service_at_locations?postcode=CD6101")
    assert {c["location_id"] for c in goma["contents"]} == {listings["public"]["id"]}
    bad = client.get("/hsds/service_at_locations?postcode=SW1A")
    assert bad.status_code == 422 and "postcode" in bad.get_json()["error"]["fields"]


def test_ndjson_streams_every_item_without_pages(client, listings):
    response = client.get("/hsds/services?format=ndjson&per_page=1")
    assert response.mimetype == "application/x-ndjson"
    items = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(items) == 3
    for item in items:
        validate("compiled/service_list", item)


def test_taxonomy_terms_filters(client, listings):
    areas = get(
        client,
        f"/hsds/taxonomy_terms?taxonomy_id={vocab.taxonomy_id('njia-area')}&top_only=true&per_page=100",
    )
    assert areas["total_items"] == 26
    goma = get(
        client, f"/hsds/taxonomy_terms?parent_id={vocab.term_id('njia-area', 'CD61')}&search=goma"
    )
    assert [t["code"] for t in goma["contents"]] == ["CD6101"]


MISSING = [
    "/hsds/services/not-a-uuid",
    "/hsds/services/00000000-0000-4000-8000-000000000000",
    "/hsds/organizations/00000000-0000-4000-8000-000000000000",
    "/hsds/service_at_locations/00000000-0000-4000-8000-000000000000",
    "/hsds/taxonomies/x",
    "/hsds/taxonomy_terms/x",
]


def test_missing_items_are_404_and_bad_arguments_422_in_the_error_envelope(client):
    for url in MISSING:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.get_json()["error"]["code"] == "not_found"
    for query in ("page=0", "per_page=101", "format=xml", "unknown=1", "modified_after=yesterday"):
        response = client.get(f"/hsds/services?{query}")
        assert response.status_code == 422, query
        assert query.split("=")[0] in response.get_json()["error"]["fields"]
