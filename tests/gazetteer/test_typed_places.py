"""Place resolution never guesses silently: a typed place is used only when sure, else asked.

``tests/data/typed_places.csv`` holds 78 real quarter, commune and displacement-site names of
ten cities, typed as people type them (lower case, "quartier X", "X goma", typos). The share
resolved to the right city is measured and reported in docs/api.md; none may resolve elsewhere.
"""

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.places.gazetteer import Gazetteer
from directory.places.names import normalise
from matching.geo import distance_km

TYPED = Path(__file__).resolve().parents[1] / "data" / "typed_places.csv"
RIGHT_CITY_KM = 25.0


def typed_rows() -> list[dict[str, str]]:
    with open(TYPED, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _in_city(gazetteer: Gazetteer, place, city: str) -> bool:  # type: ignore[no-untyped-def]
    town = gazetteer.resolve(city).place
    assert town is not None, city
    return distance_km(place.lat, place.lon, town.lat, town.lon) <= RIGHT_CITY_KM


def test_the_typed_list_resolves_to_the_right_city_or_is_asked_never_elsewhere(gazetteer):
    rows = typed_rows()
    assert len(rows) >= 60
    right, asked, wrong = [], [], []
    for row in rows:
        found = gazetteer.resolve(row["typed"])
        if found.place is None:
            assert any(_in_city(gazetteer, m.place, row["city"]) for m in found.choices), row
            asked.append(row["typed"])
        elif _in_city(gazetteer, found.place, row["city"]):
            right.append(row["typed"])
        else:
            wrong.append((row["typed"], found.place.label))
    assert wrong == []
    assert len(right) / len(rows) >= 0.80, asked  # 65 of 78 when measured (docs/api.md)


@pytest.mark.parametrize(
    ("typed", "label", "level"),
    [
        ("ndosho", "Ndosho (Goma, Nord-Kivu)", "exact"),
        ("Quartier Himbi", "Himbi (Goma, Nord-Kivu)", "exact"),
        ("katindo, Goma", "Katindo (Goma, Nord-Kivu)", "exact"),
        ("bulengo goma", "Bulengo (Goma, Nord-Kivu)", "exact"),
        ("Kyeshero", "Keshero (Goma, Nord-Kivu)", "alias"),
        ("Bukavou", "Bukavu (Sud-Kivu)", "variant"),
        ("Goma", "Goma (Nord-Kivu)", "exact"),
    ],
)
def test_sure_texts_resolve_and_say_how(gazetteer, typed, label, level):
    found = gazetteer.resolve(typed)
    assert found.place is not None and found.place.label == label
    assert found.match is not None and found.match.level == level and found.match.sure


@pytest.mark.parametrize(
    ("typed", "first_choice"),
    [
        ("Himbi 2", "Himbi (Goma, Nord-Kivu)"),  # a typo is offered, never taken
        ("Rutshru", "Rutshuru (Nord-Kivu)"),
        ("Bukav", "Bukavu (Sud-Kivu)"),  # a prefix likewise
    ],
)
def test_typos_and_prefixes_are_asked(gazetteer, typed, first_choice):
    found = gazetteer.resolve(typed)
    assert found.place is None and found.choices[0].place.label == first_choice
    assert not found.choices[0].sure


def test_namesakes_are_asked_unless_a_town_outranks_villages(gazetteer):
    panzi = gazetteer.resolve("Panzi")  # a Kwango town and the Bukavu quarter
    assert panzi.place is None
    assert {m.place.label for m in panzi.choices} >= {"Panzi (Bukavu, Sud-Kivu)"}
    assert gazetteer.resolve("Panzi, Bukavu").place.label == "Panzi (Bukavu, Sud-Kivu)"
    goma = gazetteer.resolve("Goma")  # the city, with the Kwango village offered
    assert goma.place.kind == "city"
    assert [m.place.province_name for m in goma.choices] == ["Kwango"]


def test_a_city_given_limits_the_search_and_is_offered_when_the_quarter_is_unknown(gazetteer):
    found = gazetteer.resolve("Qqqqxz, Goma")
    assert found.place is None and found.context == "Goma"
    assert [(m.place.label, m.level) for m in found.choices] == [("Goma (Nord-Kivu)", "context")]


def test_a_province_limits_the_search(gazetteer):
    assert gazetteer.resolve("Goma", "CD31").place.province_name == "Kwango"
    assert gazetteer.resolve("Ndosho", "CD62").place is None


def test_health_areas_and_curated_quarters_are_approximate_and_attributed(gazetteer):
    ndosho = gazetteer.resolve("Ndosho").place
    assert ndosho.kind == "health_area" and ndosho.approximate and ndosho.within == "Goma"
    kadutu = gazetteer.resolve("Kadutu").place
    assert kadutu.kind == "commune" and kadutu.approximate
    licences = (Path(__file__).resolve().parents[2] / "seed_data/gazetteer/LICENCES.md").read_text()
    assert "health_places.csv" in licences and "quarters.csv" in licences


NAMES = st.sampled_from([r["typed"] for r in typed_rows()] + ["Goma", "Bukavu", "Fotsho"])


@settings(max_examples=150, deadline=None)
@given(NAMES, st.sampled_from(["", "quartier ", "Q. "]), st.sampled_from(["", " ", "  "]))
def test_a_resolved_place_is_always_an_exact_alias_or_variant_match(gazetteer, name, pre, post):
    """Whatever is typed, a resolution is sure and its place bears a name the text holds."""
    found = gazetteer.resolve(pre + name + post)
    if found.place is not None:
        assert found.match is not None and found.match.sure
        names = {normalise(n) for n in (found.place.name, *found.place.alt_names)}
        assert any(n and n.split()[0] in normalise(pre + name) for n in names) or (
            found.match.level == "variant"
        )
