"""Columns and need words: suggestions from French and English headers, saved per partner."""

from __future__ import annotations

import pytest

from directory.exchange.spreadsheet import fields, vocabulary

FRENCH = [
    "N°",
    "Province",
    "Territoire",
    "Zone de santé",
    "Localité",
    "Structure",
    "Type de service",
    "Horaires",
    "Téléphone",
    "Langues parlées",
    "Public cible",
    "Point focal (nom et téléphone)",
    "Observations",
    "Téléphone 2",
]
ENGLISH = [
    "Organization",
    "Service name",
    "Services provided",
    "Town",
    "Health zone",
    "Province",
    "Latitude",
    "Longitude",
    "Phone",
    "Opening hours",
    "Languages",
    "Eligibility",
    "Focal point",
    "Email",
]


def test_french_headers_are_suggested():
    assert fields.suggest_columns(FRENCH) == {
        "organization": ["Structure"],
        "needs": ["Type de service"],
        "place": ["Localité"],
        "health_zone": ["Zone de santé"],
        "territory": ["Territoire"],
        "province": ["Province"],
        "phones": ["Téléphone", "Téléphone 2"],
        "hours": ["Horaires"],
        "languages": ["Langues parlées"],
        "eligibility": ["Public cible"],
        "focal_point": ["Point focal (nom et téléphone)"],
    }


def test_english_headers_are_suggested():
    suggested = fields.suggest_columns(ENGLISH)
    assert {k: v[0] for k, v in suggested.items()} == {
        "organization": "Organization",
        "service": "Service name",
        "needs": "Services provided",
        "place": "Town",
        "health_zone": "Health zone",
        "province": "Province",
        "latitude": "Latitude",
        "longitude": "Longitude",
        "phones": "Phone",
        "email": "Email",
        "hours": "Opening hours",
        "languages": "Languages",
        "eligibility": "Eligibility",
        "focal_point": "Focal point",
    }


def test_one_ticked_column_per_service_feeds_the_needs():
    titles = [
        "Structure",
        "Localité",
        "Médical",
        "Psychosocial",
        "Juridique",
        "Réinsertion socio-économique",
    ]
    assert fields.suggest_columns(titles)["needs"] == titles[2:]


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("PEC médicale", ["medical"]),
        ("Appui psychosocial", ["psychosocial"]),
        ("Assistance juridique et judiciaire", ["legal"]),
        ("Réinsertion socio-économique", ["livelihood"]),
        ("PEC holistique", ["medical", "psychosocial", "legal", "livelihood"]),
        ("Kits de dignité", ["material"]),
        ("Hébergement temporaire", ["shelter"]),
        ("Prise en charge médicale et psychosociale", ["psychosocial", "medical"]),
        ("Référencement", []),
    ],
)
def test_need_words_are_suggested(cell, codes):
    [word] = vocabulary.need_words(cell)
    assert vocabulary.suggest_needs(word) == codes


def test_a_cell_lists_several_need_words():
    assert vocabulary.need_words(
        "PEC médicale, appui psychosocial; assistance juridique / N/A"
    ) == ["pec medicale", "appui psychosocial", "assistance juridique"]


def test_languages_by_name_or_code():
    assert vocabulary.language_codes("Français, Swahili et Lingala; kinyarwanda, xyz") == (
        ["fr", "sw", "ln", "rw"],
        ["xyz"],
    )


def test_a_mapping_file_is_validated():
    mapping = fields.Mapping.from_json(
        {
            "columns": {"organization": "Structure", "needs": ["A", "B"]},
            "needs": {"PEC Médicale": ["medical"]},
        }
    )
    assert mapping.columns == {"organization": ["Structure"], "needs": ["A", "B"]}
    assert mapping.needs == {"pec medicale": ["medical"]}
    for bad in ({"columns": {"nonsense": "x"}}, {"needs": {"x": ["flying"]}}, {"other": 1}, []):
        with pytest.raises(ValueError):
            fields.Mapping.from_json(bad)


def test_a_saved_mapping_is_used_for_the_partner_next_time(store):
    saved = fields.Mapping(
        {"organization": ["Acteur"], "needs": ["Quoi"]}, {"referencement": ["case_management"]}
    )
    fields.save(store, "UNFPA Goma", saved, "test")
    fields.save(store, " unfpa  goma ", fields.Mapping(saved.columns, {"pep": ["medical"]}), "t")
    loaded = fields.load_saved(store, "UNFPA GOMA")
    assert loaded is not None
    assert {k: v for k, v in loaded.columns.items() if v} == saved.columns
    assert loaded.columns["place"] == []  # chosen: none, so not suggested again
    assert loaded.needs == {"referencement": ["case_management"], "pep": ["medical"]}
    assert fields.suggest_columns(["Structure", "Acteur", "Quoi", "Localité"], loaded) == {
        "organization": ["Acteur"],
        "needs": ["Quoi"],
    }
    assert fields.suggest_needs(["referencement"], loaded) == {"referencement": ["case_management"]}
    assert fields.load_saved(store, "Someone else") is None
