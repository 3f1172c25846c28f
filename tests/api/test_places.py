"""Place search and reverse lookup over HTTP (the gazetteer itself is tested in tests/gazetteer)."""

from __future__ import annotations

import pytest
from geopy.distance import geodesic


@pytest.fixture
def client():
    from directory import create_app

    return create_app({"DATABASE": "/proc/njia/no-database-needed"}).test_client()


def _search(client, q, limit=10):
    response = client.get("/api/v1/places", query_string={"q": q, "limit": limit})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_bukavu_first_with_province_and_point(client):
    first = _search(client, "bukavu")[0]
    assert first["name"] == "Bukavu"
    assert first["province"] == {"pcode": "CD62", "name": "Sud-Kivu"}
    assert first["label"].startswith("Bukavu (") and "Sud-Kivu" in first["label"]
    assert geodesic((first["latitude"], first["longitude"]), (-2.50, 28.86)).km < 5
    assert first["tz"] == "Africa/Lubumbashi" and first["id"]


@pytest.mark.parametrize(
    ("query", "name", "province"),
    [
        ("kitchanga", "Kitchanga", "Nord-Kivu"),
        ("kananga", "Kananga", "Kasaï-Central"),
        ("bukavou", "Bukavu", "Sud-Kivu"),
        ("Léopoldville", "Kinshasa", "Kinshasa"),
        ("LUBUMBASHI", "Lubumbashi", "Haut-Katanga"),
    ],
)
def test_acceptance_queries(client, query, name, province):
    first = _search(client, query)[0]
    assert (first["name"], first["province"]["name"]) == (name, province)


def test_place_by_id_round_trips(client):
    first = _search(client, "goma")[0]
    again = client.get(f"/api/v1/places/{first['id']}").get_json()
    assert again["id"] == first["id"] and again["name"] == first["name"]
    assert client.get("/api/v1/places/osm:0").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "x" * 101}, "q"),
        ({}, "q"),
        ({"q": "goma", "limit": 0}, "limit"),
        ({"q": "goma", "limit": 51}, "limit"),
        ({"q": "goma", "where": "x"}, "where"),
    ],
)
def test_bad_search_arguments_are_422(client, query, field):
    response = client.get("/api/v1/places", query_string=query)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_punctuation_only_query_is_422_not_500(client):
    response = client.get("/api/v1/places", query_string={"q": "?!"})
    assert response.status_code == 422


def test_nearest_by_get_and_post(client):
    by_get = client.get("/api/v1/places/nearest?lat=-1.6792&lon=29.2228").get_json()
    by_post = client.post("/api/v1/places/nearest", json={"lat": -1.6792, "lon": 29.2228})
    assert by_post.get_json() == by_get
    assert by_get["in_drc"] is True
    assert by_get["place"]["province"]["pcode"] == "CD61"
    assert by_get["town"]["name"] == "Goma"


@pytest.mark.parametrize(
    ("lat", "lon"), [(-1.9441, 30.0619), (-4.2634, 15.2429), (0.3476, 32.5825)]
)
def test_points_outside_the_drc_are_recognised(client, lat, lon):
    body = client.post("/api/v1/places/nearest", json={"lat": lat, "lon": lon}).get_json()
    assert body == {"in_drc": False, "place": None, "distance_km": None, "town": None}


def test_nearest_rejects_bad_points(client):
    response = client.post("/api/v1/places/nearest", json={"lat": 91, "lon": 0, "x": 1})
    assert response.status_code == 422
    assert {"lat", "x"} <= set(response.get_json()["error"]["fields"])


def test_online_geocoder_is_off_by_default_and_a_fallback_when_on(client):
    assert _search(client, "zzqxv") == []
    from directory.places.geo_parse import OnlineGeocoder

    calls = []

    class Result:
        address, latitude, longitude = "Camp Mugunga III, Goma", -1.62, 29.14

    def geocode(query, **options):  # stands in for the remote Nominatim server
        calls.append((query, options))
        return [Result()]

    client.application.extensions["njia_geocoder"] = OnlineGeocoder(geocode)
    (item,) = _search(client, "zzqxv")
    assert item["source"] == "online" and item["province"]["pcode"] == "CD61"
    assert calls[0][1]["country_codes"] == "cd"
    _search(client, "goma")
    assert len(calls) == 1  # the gazetteer answered; nothing left the machine


def test_each_item_says_how_it_matched_and_resolved_names_the_sure_place(client):
    body = client.get("/api/v1/places", query_string={"q": "ndosho"}).get_json()
    first = body["items"][0]
    assert first["name"] == "Ndosho" and first["within"] == "Goma" and first["approximate"]
    assert first["match"] == {"level": "exact", "distance": None, "sure": True}
    assert body["resolved"] == first["id"]
    typo = client.get("/api/v1/places", query_string={"q": "ndoshi"}).get_json()
    assert typo["resolved"] is None
    assert typo["items"][0]["match"] == {"level": "typo", "distance": 1, "sure": False}
    assert "Fotsho" not in [i["name"] for i in typo["items"][:1]]


def test_a_city_in_the_text_and_a_province_argument_narrow_the_search(client):
    body = client.get("/api/v1/places", query_string={"q": "Katindo, Goma"}).get_json()
    assert body["resolved"] and body["items"][0]["label"] == "Katindo (Goma, Nord-Kivu)"
    kwango = client.get("/api/v1/places", query_string={"q": "Goma", "province": "CD31"})
    assert kwango.get_json()["items"][0]["province"]["name"] == "Kwango"
    bad = client.get("/api/v1/places", query_string={"q": "Goma", "province": "CD99"})
    assert bad.status_code == 422 and "province" in str(bad.get_json())


def test_a_province_filter_still_gives_up_to_limit_places(client):
    """The filter applies before the cut: the first "Gom…" overall is Goma, in Nord-Kivu."""
    body = client.get(
        "/api/v1/places", query_string={"q": "Gom", "province": "CD31", "limit": 1}
    ).get_json()
    assert [i["province"]["pcode"] for i in body["items"]] == ["CD31"]
