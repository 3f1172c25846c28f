"""Sheets as GBV service mappings write them: a row per activity of one service is merged
into that service, and the field's abbreviations are recognised (PSS, CU, IST, PEP inside a
phrase, "kits PEP" as medical care, not material aid)."""

from __future__ import annotations

import pytest

from directory.exchange.spreadsheet.vocabulary import need_words, suggest_needs
from tests.imports.helpers import PARTNER

HEADER = "Structure;Localité;Province;Type de service;Téléphone;Langues\n"


@pytest.mark.parametrize(
    ("cell", "needs"),
    [
        ("PSS", {"psychosocial"}),
        ("CU", {"medical"}),
        ("IST", {"medical"}),
        ("PEC médicale (PEP, CU, IST)", {"medical"}),
        ("clinique mobile kits PEP", {"medical"}),
        ("Appui PSS + AGR", {"psychosocial", "livelihood"}),
        ("kits de dignité", {"material"}),
        ("distribution de kits NFI", {"material"}),
    ],
)
def test_the_fields_abbreviations_are_recognised(cell, needs):
    words = need_words(cell)
    found = [suggest_needs(w) for w in words]
    assert all(found), (cell, words)  # no word left unrecognised
    assert {code for codes in found for code in codes} == needs


def test_a_row_per_activity_makes_one_service_with_every_need(runner, app_store, tmp_path):
    amani = "Centre Amani (fictif);Goma;Nord-Kivu"
    rows = (f"{amani};PEC médicale (PEP, CU);0970 000 101;Swahili\n"
            f"{amani};PSS;0970 000 101;Français\n"
            f"{amani};Assistance juridique;0970 000 202;\n")  # fmt: skip
    path = tmp_path / "activities.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    result = runner.invoke(args=["import-sheet", str(path), "--partner", PARTNER])
    assert result.exit_code == 0, result.output
    (service,) = [d for k, d in app_store.export() if k == "service"]
    assert service["needs"] == ["medical", "psychosocial", "legal"]
    assert [p["number"] for p in service["phones"]] == ["+243 970 000 101", "+243 970 000 202"]
    assert sorted(service["languages"]) == ["fr", "sw"]
    assert app_store.counts()["location"] == 1


def test_a_locality_the_gazetteer_lacks_falls_back_to_its_health_zone_or_territory(
    runner, app_store, tmp_path
):
    header = "Structure;Localité;Zone de santé;Territoire;Province;Type de service\n"
    rows = ("Clinique Tumaini (fictif);Kibumbuzi-Mbunduvwe;;Masisi;Nord-Kivu;PEC médicale\n"
            "Centre Uzima (fictif);Nyabirehe-Kasokwe;Rutshuru;;Nord-Kivu;PSS\n")  # fmt: skip
    lost = "Centre Perdu (fictif);Xqzwv;;;Nord-Kivu;PSS\n"  # nothing wider to fall back on
    path = tmp_path / "fallback.csv"
    path.write_text(header + rows + lost, encoding="utf-8")
    refused = runner.invoke(args=["import-sheet", str(path), "--partner", PARTNER])
    assert refused.exit_code == 1 and "Lieu introuvable : « Xqzwv »" in refused.output
    assert app_store.counts()["location"] == 0
    path.write_text(header + rows, encoding="utf-8")
    result = runner.invoke(args=["import-sheet", str(path), "--partner", PARTNER])
    assert result.exit_code == 0, result.output
    assert "Kibumbuzi-Mbunduvwe" in result.output and "approximative" in result.output
    places = {d["name"]: d for k, d in app_store.export() if k == "location"}
    assert set(places) == {"Clinique Tumaini (fictif) – Masisi",
                           "Centre Uzima (fictif) – Rutshuru"}  # fmt: skip
    masisi = places["Clinique Tumaini (fictif) – Masisi"]
    assert masisi["approximate"] is True and masisi["adm1_pcode"] == "CD61"
    assert abs(masisi["latitude"] - (-1.40)) < 0.3  # Masisi, not somewhere else
