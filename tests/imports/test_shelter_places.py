"""A spreadsheet can never publish a safe shelter: whatever the order of the rows, a shelter
row of an organization gets a confidential location of its own, never the public location
of the same organization's clinic at the same place (issue 17, item 1)."""

from __future__ import annotations

import pytest

from tests.imports.helpers import PARTNER

HEADER = "Structure;Localité;Province;Type de service;Téléphone\n"
CLINIC = "Centre Amani (fictif);Goma;Nord-Kivu;PEC médicale;0970 000 101\n"
SHELTER = "Centre Amani (fictif);Goma;Nord-Kivu;Hébergement;0970 000 102\n"
GOMA = {"lat": -1.6792, "lon": 29.2228}


def _import(runner, tmp_path, name: str, rows: str):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    result = runner.invoke(args=["import-sheet", str(path), "--partner", PARTNER])
    assert result.exit_code == 0, result.output
    return result


def _assert_shelter_hidden(client, app_store) -> None:  # type: ignore[no-untyped-def]
    shelters = [d for k, d in app_store.export() if k == "service" and "shelter" in d["needs"]]
    assert shelters, "the shelter row was imported"
    for service in shelters:
        for location_id in service["location_ids"]:
            assert app_store.get("location", location_id)["confidentiality"] == "confidential"
    answer = client.post("/api/v1/match", json={"location": GOMA, "needs": ["shelter"]})
    assert answer.status_code == 200
    shelter_need = answer.get_json()["needs"][0]
    assert shelter_need["results"] == []  # never ranked by distance for the public
    nearby = client.get(
        "/hsds/service_at_locations",
        query_string={"lat": GOMA["lat"], "lon": GOMA["lon"], "proximity": 5000},
    ).get_json()
    listed = {item["service"]["id"] for item in nearby["contents"]}
    assert not listed & {s["id"] for s in shelters}


@pytest.mark.parametrize("order", ["clinic_first", "shelter_first"])
def test_a_shelter_row_never_shares_a_clinics_public_location(
    runner, client, app_store, tmp_path, order
):
    rows = CLINIC + SHELTER if order == "clinic_first" else SHELTER + CLINIC
    _import(runner, tmp_path, "sheet.csv", rows)
    assert app_store.counts()["location"] == 2
    _assert_shelter_hidden(client, app_store)


def test_a_shelter_imported_where_a_clinic_was_imported_before_stays_hidden(
    runner, client, app_store, tmp_path
):
    _import(runner, tmp_path, "first.csv", CLINIC)
    _import(runner, tmp_path, "second.csv", SHELTER + CLINIC)
    _assert_shelter_hidden(client, app_store)
    public = [d for k, d in app_store.export() if k == "location"]
    assert sorted(loc["confidentiality"] for loc in public) == ["confidential", "public"]


def test_a_shelter_row_whose_location_became_public_is_blocked(runner, app_store, tmp_path):
    """The guard holds whatever made the link: here a shelter's location that someone made
    public after the first import. The re-import refuses the row; nothing changes."""
    _import(runner, tmp_path, "first.csv", SHELTER)
    location = next(d for k, d in app_store.export() if k == "location")
    content = {k: v for k, v in location.items() if k not in ("id", "version", "created_at",
                                                               "updated_at")}  # fmt: skip
    app_store.update("location", location["id"], {**content, "confidentiality": "public"},
                     location["version"], "user:someone")  # fmt: skip
    path = tmp_path / "again.csv"
    path.write_text(HEADER + SHELTER, encoding="utf-8")
    result = runner.invoke(args=["import-sheet", str(path), "--partner", PARTNER])
    assert result.exit_code == 1
    assert "Un lieu d'hébergement sûr ne peut pas être publié" in result.output
    assert "Nothing was imported." in result.output
