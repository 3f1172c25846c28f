"""Reverse lookup, the DRC border test, provinces, loading and working offline."""

import shutil
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.places.gazetteer import SEED_DIR, Gazetteer
from matching.geo import distance_km

GOMA = (-1.6792, 29.2228)
GOMA_HEAL_AFRICA = (-1.6706, 29.2287)  # outside Natural Earth's outline, inside the DRC
BUKAVU = (-2.5083, 28.8608)
OUTSIDE = {
    "Kigali": (-1.9441, 30.0619),
    "Kampala": (0.3476, 32.5825),
    "Brazzaville centre": (-4.2634, 15.2429),
    "Brazzaville, Bacongo (1.6 km from the river)": (-4.29, 15.26),
    "Luanda": (-8.8390, 13.2894),
    "Gisenyi, across the border from Goma": (-1.7025, 29.2564),
    "Cyangugu, across the Ruzizi from Bukavu": (-2.4846, 28.9075),
    "Bujumbura": (-3.3822, 29.3644),
    "Bangui, across the Ubangi from Zongo": (4.3947, 18.5582),
    "Atlantic": (-6.0, 11.0),
}


def test_goma_is_inside_and_described_by_nearby_places(gazetteer):
    for point in (GOMA, GOMA_HEAL_AFRICA):
        assert gazetteer.in_drc(*point)
        place, km = gazetteer.nearest(*point)
        assert place.province_pcode == "CD61" and km < 3
        assert gazetteer.area_pcodes(*point) == frozenset({"CD61"})
    town, km = gazetteer.nearest(*GOMA, kinds={"city", "town"})
    assert (town.name, town.province_name) == ("Goma", "Nord-Kivu") and km < 3


def test_bukavu_point_is_nearest_to_bukavu(gazetteer):
    assert gazetteer.in_drc(*BUKAVU)
    place, km = gazetteer.nearest(*BUKAVU)
    assert (place.name, place.kind, place.province_pcode) == ("Bukavu", "city", "CD62")
    assert km < 1
    assert place.tz == "Africa/Lubumbashi"


def test_kinshasa_point_is_inside(gazetteer):
    place, km = gazetteer.nearest(-4.3217, 15.3126)
    assert place.name == "Kinshasa" and km < 0.1
    assert place.tz == "Africa/Kinshasa"


@pytest.mark.parametrize("where", OUTSIDE)
def test_points_outside_the_drc_are_recognised(gazetteer, where):
    point = OUTSIDE[where]
    assert not gazetteer.in_drc(*point)
    assert gazetteer.nearest(*point) is None
    assert gazetteer.area_pcodes(*point) == frozenset()


def test_every_place_lies_inside_the_outline(gazetteer):
    outside = [p.label for p in gazetteer if not gazetteer.in_drc(p.lat, p.lon)]
    assert outside == []


@pytest.mark.parametrize("point", [(91, 0), (0, 181), (float("nan"), 20)])
def test_invalid_points_are_rejected(gazetteer, point):
    with pytest.raises(ValueError, match="lat must"):
        gazetteer.nearest(*point)


@settings(max_examples=60, deadline=None)
@given(lat=st.floats(-13.4, 5.3), lon=st.floats(12.3, 31.2))
def test_grid_nearest_equals_brute_force(gazetteer, lat, lon):
    found = gazetteer.nearest(lat, lon)
    if found is None:
        assert not gazetteer.in_drc(lat, lon)
        return
    place, km = found
    best = min(distance_km(lat, lon, p.lat, p.lon) for p in gazetteer if not p.approximate)
    assert distance_km(lat, lon, place.lat, place.lon) == pytest.approx(best)
    assert km == pytest.approx(best, rel=0.01)


def test_provinces_are_the_26_ocha_adm1(gazetteer):
    provinces = gazetteer.provinces()
    assert len(provinces) == 26
    assert provinces[0] == ("CD10", "Kinshasa")
    assert ("CD91", "Kasaï-Central") in provinces and ("CD61", "Nord-Kivu") in provinces


def test_load_rejects_an_alias_to_an_unknown_place(tmp_path):
    for path in SEED_DIR.iterdir():
        if path.suffix in (".csv", ".gz"):
            shutil.copy(path, tmp_path / path.name)
    with open(tmp_path / "aliases.csv", "a", encoding="utf-8") as f:
        f.write("Nowhere,osm:0,test\n")
    with pytest.raises(ValueError, match="osm:0"):
        Gazetteer.load(tmp_path)


def test_works_with_the_network_unplugged(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network unplugged")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    gazetteer = Gazetteer.load(SEED_DIR)
    assert gazetteer.search("bukavu")[0].name == "Bukavu"
    assert gazetteer.nearest(*GOMA)[0].province_pcode == "CD61"


def test_a_point_is_never_described_by_an_approximate_place(gazetteer):
    """A quarter standing at its city's centre must not name the centre."""
    bukavu = gazetteer.resolve("Bukavu").place
    found = gazetteer.nearest(bukavu.lat, bukavu.lon)
    assert found is not None and found[0].name == "Bukavu" and not found[0].approximate
