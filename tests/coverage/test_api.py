"""``/api/v1/coverage``, ``/api/v1/network`` and ``/api/v1/quality`` on both stores: JSON, CSV
with HXL hashtags, validation, and identical answers from SQLite and Neo4j."""

from __future__ import annotations

import csv
import io
from itertools import islice

import pytest

from directory import create_app
from directory.api import coverage as coverage_api
from directory.core.rights import issue_token
from directory.exchange.seed_facilities import facility_listings
from directory.store import get_store
from tests.conftest import bearer, store_config
from tests.coverage.conftest import AT, demo_listings

URLS = [
    "/api/v1/coverage/areas?need=legal",
    "/api/v1/coverage/areas?need=medical&level=territory",
    "/api/v1/coverage/areas?need=pep_24h&level=country",
    "/api/v1/coverage/places?need=pep_24h&beyond_km=500",
    "/api/v1/coverage/places?need=legal&beyond_km=50&province=CD61",
    "/api/v1/coverage/territories?need=shelter",
    "/api/v1/network/referrals",
    "/api/v1/network/unreferred",
    "/api/v1/network/unreferred?need=medical&province=CD54",
    "/api/v1/network/paths",
    "/api/v1/network/paths?need=legal&province=CD61",
    "/api/v1/network/flows",
    "/api/v1/quality",
    "/api/v1/quality?issue=capacity_stale",
]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(coverage_api, "now", lambda: AT)


@pytest.fixture
def demo(app_store, tokens):
    app_store.import_all(demo_listings())
    return bearer(tokens["coordinator"])


def csv_rows(response):
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_areas_json_and_csv(client, demo):
    body = client.get("/api/v1/coverage/areas?need=legal", headers=demo).get_json()
    goma = next(r for r in body["items"] if r["adm1_code"] == "CD61" and r["place_class"] == "all")
    assert goma["level"] == "province" and goma["adm1_name"] == "Nord-Kivu"
    assert goma["places"] > 500 and 0 < goma["within_25km"] <= goma["within_50km"]
    assert goma["share_25km"] == round(goma["within_25km"] / goma["places"], 4)
    rows = csv_rows(client.get("/api/v1/coverage/areas?need=legal&format=csv", headers=demo))
    assert rows[1][:4] == ["#meta+level", "#adm1+code", "#adm1+name", "#adm2+code+approx"]
    assert all(tag.startswith("#") for tag in rows[1])
    assert len(rows) == 2 + len(body["items"])
    kivu = next(r for r in rows[2:] if r[1] == "CD61" and r[5] == "all")
    assert int(kivu[rows[0].index("places_within_25km")]) == goma["within_25km"]


def test_places_beyond_a_distance(client, demo):
    url = "/api/v1/coverage/places?need=pep_24h&beyond_km=500"
    items = client.get(url, headers=demo).get_json()["items"]
    assert items and all(r["distance_km"] > 499 for r in items)
    assert items[0]["distance_km"] >= items[-1]["distance_km"]
    assert set(items[0]) >= {"place_id", "name", "adm1_code", "adm2_code", "lat", "lon", "band"}
    rows = csv_rows(client.get(url + "&format=csv", headers=demo))
    assert "#geo+lat" in rows[1] and "#indicator+km+nearest" in rows[1]


def test_territories_and_network(client, demo):
    shelters = client.get("/api/v1/coverage/territories?need=shelter", headers=demo).get_json()
    assert len(shelters["items"]) == 189
    goma = next(r for r in shelters["items"] if r["adm2_code"] == "CD6101")
    # The demo shelters are confidential: they reach Nord-Kivu by area, never in person.
    assert goma["in_person"] == 0 and goma["by_area"] == 1 and goma["no_service"] is False
    graph = client.get("/api/v1/network/referrals", headers=demo).get_json()
    assert graph["total"] == 12 and len(graph["nodes"]) == 10
    rows = csv_rows(client.get("/api/v1/network/referrals?format=csv", headers=demo))
    assert rows[1][:2] == ["#org+code+source", "#org+name+source"] and len(rows) == 14
    paths = client.get("/api/v1/network/paths?need=legal", headers=demo).get_json()["items"]
    assert [(r["adm1_code"], r["gap"]) for r in paths] == [("CD61", False), ("CD62", False)]


def test_flows_say_nothing_is_recorded_yet(client, demo):
    body = client.get("/api/v1/network/flows", headers=demo).get_json()
    assert body["recorded"] == 0 and body["months"] == [] and body["total"] == 0
    rows = csv_rows(client.get("/api/v1/network/flows?format=csv", headers=demo))
    assert rows[0][-1] == "total" and rows[-1][1] == "total"


def test_quality(client, demo):
    body = client.get("/api/v1/quality", headers=demo).get_json()
    assert body["issues"]["capacity_stale"] == 1 and body["issues"]["capacity_unknown"] == 1
    assert body["verification_age"]["service"]["365+"] == 1
    one = client.get("/api/v1/quality?issue=capacity_stale", headers=demo).get_json()
    assert [i["name"] for i in one["items"]] == ["Hébergement temporaire sûr (démo)"]
    rows = csv_rows(client.get("/api/v1/quality?format=csv&limit=2", headers=demo))
    assert rows[1][0] == "#meta+kind" and len(rows) == 4


@pytest.mark.parametrize(
    "query",
    ["coverage/areas?need=food", "coverage/areas?level=village", "coverage/places?beyond_km=-1",
     "coverage/places?province=CD6101", "coverage/areas?format=xlsx", "quality?limit=0",
     "coverage/areas?lat=-1.6"],
)  # fmt: skip
def test_bad_arguments_are_refused_naming_the_field(client, demo, query):
    response = client.get(f"/api/v1/{query}", headers=demo)
    assert response.status_code == 422
    field = query.split("?")[1].split("=")[0]
    assert field in response.get_json()["error"]["fields"]


def _answers(config, listings):
    """Every URL's JSON and CSV answer from a fresh app on ``config`` holding ``listings``."""
    app = create_app({"TESTING": True, **config})
    try:
        with app.app_context():
            store = get_store()
            store.import_all(listings)
            headers = bearer(issue_token(store, "coordinator", "same answers"))
        client = app.test_client()
        out = {}
        for url in URLS:
            for suffix in ("", "&format=csv" if "?" in url else "?format=csv"):
                response = client.get(url + suffix, headers=headers)
                assert response.status_code == 200, (url, response.get_data()[:300])
                out[url + suffix] = response.get_data(as_text=True)
        return out
    finally:
        app.extensions["njia_store"].close()


@pytest.mark.neo4j
def test_both_stores_give_identical_answers(tmp_path, request):
    listings = demo_listings() + list(islice(facility_listings(), 900))
    sqlite = _answers(store_config("sqlite", tmp_path, request), listings)
    neo4j = _answers(store_config("neo4j", tmp_path, request), listings)
    assert sqlite.keys() == neo4j.keys()
    for url in sqlite:
        assert sqlite[url] == neo4j[url], url
