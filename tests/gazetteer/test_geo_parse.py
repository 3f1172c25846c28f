"""Coordinate parsing and the optional online geocoder (never called over the network here)."""

from types import SimpleNamespace

import pytest

from directory.places.geo_parse import OnlineGeocoder, parse_coordinates

GOMA_DMS = (-(1 + 40 / 60), 29 + 14 / 60)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-1.67, 29.22", (-1.67, 29.22)),
        ("-1.67,29.22", (-1.67, 29.22)),
        ("-1.67 29.22", (-1.67, 29.22)),
        ("-1.67;29.22", (-1.67, 29.22)),
        ("(-1.67, 29.22)", (-1.67, 29.22)),
        ("lat: -1.67 lon: 29.22", (-1.67, 29.22)),
        ("\u22121.67, 29.22", (-1.67, 29.22)),
        ("-1,67 ; 29,22", (-1.67, 29.22)),
        ("-1,67 29,22", (-1.67, 29.22)),
        ("-1,67, 29,22", (-1.67, 29.22)),
        ("1.67S 29.22E", (-1.67, 29.22)),
        ("1.67 S, 29.22 E", (-1.67, 29.22)),
        ("1.67s 29.22e", (-1.67, 29.22)),
        ("S1.67 E29.22", (-1.67, 29.22)),
        ("S 1.67 E 29.22", (-1.67, 29.22)),
        ("0.5N 29.22E", (0.5, 29.22)),
        ("1°40\u2032S 29°14\u2032E", GOMA_DMS),
        ("1°40'S 29°14'E", GOMA_DMS),
        ("1° 40' S, 29° 14' E", GOMA_DMS),
        ("1°40\u2019S 29°14\u2019E", GOMA_DMS),
        ("1 40 S 29 14 E", GOMA_DMS),
        ("1°40\u203212\u2033S 29°14\u203200\u2033E", (-(1 + 40 / 60 + 12 / 3600), 29 + 14 / 60)),
        ("1 40 12 S 29 14 0 E", (-(1 + 40 / 60 + 12 / 3600), 29 + 14 / 60)),
        ("1.67°S 29.22°E", (-1.67, 29.22)),
        ("-1.6706° 29.2287°", (-1.6706, 29.2287)),
    ],
)
def test_coordinate_forms(text, expected):
    lat, lon = parse_coordinates(text)
    assert lat == pytest.approx(expected[0]) and lon == pytest.approx(expected[1])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no coordinates"),
        ("   ", "no coordinates"),
        ("Goma", "could not read"),
        ("1.5", "could not read"),
        ("-1.67, 29.22, 1500", "could not read"),
        ("100, 20", "latitude must be within"),
        ("-1.67, 200", "latitude must be within"),
        ("91°S 29°E", "latitude must be within"),
        ("1°S 200°E", "latitude must be within"),
        ("1 70 S 29 14 E", "minutes and seconds"),
        ("1°70'S 29°14'E", "minutes and seconds"),
        ("1°40'75\"S 29°14'E", "minutes and seconds"),
        ("x" * 101, "at most 100"),
    ],
)
def test_unreadable_coordinates_say_why(text, message):
    with pytest.raises(ValueError, match=message):
        parse_coordinates(text)


def test_online_geocoder_is_off_by_default():
    assert OnlineGeocoder.from_config({}) is None
    assert OnlineGeocoder.from_config({"GEOCODER_ONLINE": False}) is None


def test_online_geocoder_needs_a_user_agent():
    with pytest.raises(ValueError, match="GEOCODER_USER_AGENT"):
        OnlineGeocoder.from_config({"GEOCODER_ONLINE": True})


def test_online_geocoder_builds_without_calling_the_network():
    config = {"GEOCODER_ONLINE": True, "GEOCODER_USER_AGENT": "njia-tests"}
    assert isinstance(OnlineGeocoder.from_config(config), OnlineGeocoder)


def test_online_geocoder_asks_for_drc_results_only():
    calls = []

    def fake_geocode(query, **options):
        calls.append((query, options))
        return [SimpleNamespace(address="Goma, Nord-Kivu", latitude=-1.68, longitude=29.22)]

    assert OnlineGeocoder(fake_geocode).search("Goma", limit=3) == [
        ("Goma, Nord-Kivu", -1.68, 29.22)
    ]
    assert calls == [
        (
            "Goma",
            {"exactly_one": False, "limit": 3, "country_codes": "cd", "language": "fr"},
        )
    ]
    assert OnlineGeocoder(lambda query, **options: None).search("Goma") == []
