"""Place names → points: the gazetteer within the row's province, ambiguity and typos named."""

from __future__ import annotations

import pytest

from directory.exchange.spreadsheet.places import Flagged, Located, PlaceProblem, Where, locate


def test_a_town_outranks_its_village_namesakes():
    found = locate(Where(place="Goma"))
    assert isinstance(found, Located) and found.label == "Goma (Nord-Kivu)" and found.adm1 == "CD61"


def test_spelling_variants_are_the_same_place():
    found = locate(Where(place="Kitshanga", province="Nord Kivu"))
    assert isinstance(found, Located) and found.label == "Kitchanga (Nord-Kivu)"
    assert found.note is None


def test_a_typo_is_offered_never_taken_even_when_it_is_the_only_candidate():
    found = locate(Where(place="Rutshru", province="Nord-Kivu"))
    assert isinstance(found, Flagged) and found.reason == "confirm"
    assert found.candidates == (("osm:2080731983", "Rutshuru (petite ville, Nord-Kivu)"),)


def test_namesakes_in_the_province_are_offered_for_a_choice():
    found = locate(Where(place="Katale", province="Nord-Kivu"))
    assert isinstance(found, Flagged) and found.reason == "ambiguous"
    labels = [label for _id, label in found.candidates]
    assert labels == [
        "Katale (village, Nord-Kivu, à 6 km de Masisi)",
        "Katale (village, Nord-Kivu, à 19 km de Rutshuru)",
    ]
    chosen = locate(Where(place="Katale", province="Nord-Kivu"), found.candidates[1][0])
    assert isinstance(chosen, Located) and chosen.lat > -1.4


def test_an_unknown_place_is_flagged():
    found = locate(Where(place="Qqqqxz", province="Nord-Kivu"))
    assert found == Flagged("unknown", "Qqqqxz")


def test_a_health_area_named_by_its_health_centre_is_located():
    found = locate(Where(place="Kanyaruchinya", province="Nord-Kivu"))
    assert isinstance(found, Located) and found.label == "Kanyaruchinya (Goma, Nord-Kivu)"


def test_a_quarter_with_its_city_is_located_and_a_quarter_with_a_village_namesake_is_asked():
    found = locate(Where(place="Panzi, Bukavu"))
    assert isinstance(found, Located) and found.label == "Panzi (Bukavu, Sud-Kivu)"
    asked = locate(Where(place="Panzi"))
    assert isinstance(asked, Flagged) and asked.reason == "ambiguous"
    assert [label.split(" (")[0] for _id, label in asked.candidates] == ["Panzi", "Panzi"]


def test_the_province_restricts_the_search():
    assert isinstance(locate(Where(place="Goma", province="Kwango")), Located)
    assert locate(Where(place="Goma", province="Kwango")).adm1 == "CD31"  # type: ignore[union-attr]


def test_without_a_place_the_health_zone_then_the_territory_stand_for_it():
    found = locate(Where(health_zone="Rutshuru", province="Nord-Kivu"))
    assert isinstance(found, Located) and found.label == "Rutshuru (Nord-Kivu)"


def test_coordinates_win_and_are_checked():
    found = locate(Where(place="Site X", latitude="-1,6789", longitude="29,2211"))
    assert isinstance(found, Located) and found.adm1 == "CD61" and found.place_id is None
    assert (found.lat, found.lon) == (-1.6789, 29.2211)
    with pytest.raises(PlaceProblem, match="inversées"):
        locate(Where(latitude="29.2211", longitude="-1.6789"))
    with pytest.raises(PlaceProblem, match="hors de la RDC"):
        locate(Where(latitude="48.85", longitude="2.35"))
    with pytest.raises(PlaceProblem) as caught:
        locate(Where(latitude="-1.6"))
    assert caught.value.field == "longitude"


@pytest.mark.parametrize(
    ("where", "field"),
    [
        (Where(province="Nord-Kivu"), "place"),
        (Where(place="Goma", province="Atlantis"), "province"),
    ],
)
def test_missing_or_unknown_places_name_the_column(where, field):
    with pytest.raises(PlaceProblem) as caught:
        locate(where)
    assert caught.value.field == field
