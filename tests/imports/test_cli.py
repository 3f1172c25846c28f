"""``flask --app wsgi import-sheet``: the sample end to end, repeatable, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from directory.core import users
from directory.exchange.transfer import export_lines
from seed_data.samples import make_samples
from tests.imports.helpers import (
    AMBIGUOUS_ROW,
    CONFIRM_ROW,
    EXPECTED_ORGANIZATIONS,
    PARTNER,
    RESOLVED,
    SAMPLE_CSV,
    SAMPLE_XLSX,
    listings,
    snapshot,
)

ROOT = Path(__file__).resolve().parents[2]


def run(runner, path, *extra):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["import-sheet", str(path), "--partner", PARTNER, *extra])


def test_the_sample_locates_known_places_and_flags_the_rest(runner, app_store):
    before = snapshot(app_store)
    result = run(runner, SAMPLE_XLSX)
    assert result.exit_code == 1
    out = result.output
    assert "Lignes à corriger : 9, 12." in out and "Nothing was imported." in out
    assert (
        f"ERREUR ligne {CONFIRM_ROW}, colonne « Localité » (E) : « Rutshru » n'est pas dans le "
        "répertoire géographique" in out
    )
    assert f"--choose {CONFIRM_ROW}=osm:2080731983   Rutshuru (petite ville, Nord-Kivu)" in out
    assert "Ligne 11 [nouveau] Clinique mobile Faraja (fictive) · Kanyaruchinya (Goma" in out
    assert f"ERREUR ligne {AMBIGUOUS_ROW}, colonne « Localité » (E) : Plusieurs lieux" in out
    assert f"--choose {AMBIGUOUS_ROW}=osm:1158948403   Katale (village, Nord-Kivu, à 6 km" in out
    assert "Ligne 8 [nouveau] Hôpital Amani (fictif) · Kitchanga (Nord-Kivu)" in out
    assert "lundi – samedi : 07:30–15:00" in out  # "du lundi au samedi de 7h30 à 15h"
    assert snapshot(app_store) == before


def test_the_sample_imports_the_expected_listings_and_a_second_import_changes_nothing(
    runner, app_store
):
    first = run(runner, SAMPLE_XLSX, *RESOLVED)
    assert first.exit_code == 0, first.output
    assert "Fiches : 32 nouvelles, 0 mises à jour, 0 inchangées, 0 conservées." in first.output
    assert app_store.counts() == {"organization": 8, "location": 12, "service": 12}
    organizations = listings(app_store, "organization")
    assert {o["name"] for o in organizations} == EXPECTED_ORGANIZATIONS
    for kind in ("organization", "location", "service"):
        for doc in listings(app_store, kind):
            assert doc["last_verified_at"] is None and doc["demo"] is False
            assert doc["source"] == f"{PARTNER} — cartographie_services_nord_kivu.xlsx"
    services = {(s["name"], tuple(s["location_ids"])): s for s in listings(app_store, "service")}
    by_org = {o["id"]: o["name"] for o in organizations}
    amani = [s for s in services.values() if by_org[s["organization_id"]].startswith("Hôpital")]
    assert sorted(tuple(s["needs"]) for s in amani) == [
        ("medical", "psychosocial"),
        ("medical", "psychosocial", "legal", "livelihood"),
    ]
    goma = next(s for s in amani if s["schedule"]["always_open"])
    assert goma["phones"] == [
        {"number": "+243 970 000 101", "type": "voice", "description": ""},
        {"number": "+243 970 000 102", "type": "voice", "description": "Point focal : Dr Neema K."},
    ]
    assert goma["languages"] == ["fr", "sw"]
    assert goma["eligibility"]["description"] == "Femmes, filles, hommes et garçons survivants"
    locations = listings(app_store, "location")
    shelter = [loc for loc in locations if loc["name"].startswith("Maison Tulizo")]
    assert [loc["confidentiality"] for loc in shelter] == ["confidential"]
    katale = next(loc for loc in locations if loc["name"].startswith("Centre Salama"))
    assert (katale["latitude"], katale["adm1_pcode"]) == (-1.4377361, "CD61")
    exported = "".join(export_lines(app_store))

    again = run(runner, SAMPLE_XLSX, *RESOLVED)
    assert again.exit_code == 0, again.output
    assert "Fiches : 0 nouvelles, 0 mises à jour, 32 inchangées, 0 conservées." in again.output
    assert "".join(export_lines(app_store)) == exported
    remembered = run(runner, SAMPLE_XLSX, "--dry-run")  # the choices for Rutshru and Katale
    assert remembered.exit_code == 0 and "32 inchangées" in remembered.output


def test_the_csv_twin_and_a_latin1_copy_give_the_same_listings(runner, app_store, tmp_path):
    assert run(runner, SAMPLE_CSV, *RESOLVED).exit_code == 0
    from_csv = [(k, _content(d)) for k, d in app_store.export()]
    latin1 = tmp_path / "cartographie_services_nord_kivu.csv"
    latin1.write_bytes(SAMPLE_CSV.read_text(encoding="utf-8").encode("cp1252"))
    again = run(runner, latin1, *RESOLVED)
    assert again.exit_code == 0 and "0 nouvelles, 0 mises à jour, 32 inchangées" in again.output
    assert [(k, _content(d)) for k, d in app_store.export()] == from_csv
    assert run(runner, SAMPLE_XLSX, *RESOLVED).exit_code == 0
    assert [(k, _content(d, "source")) for k, d in app_store.export()] == [
        (k, _content(d, "source")) for k, d in from_csv
    ]


def _content(doc, *also):  # type: ignore[no-untyped-def]
    return {k: v for k, v in doc.items() if k not in ("version", "created_at", "updated_at", *also)}


def test_a_dry_run_writes_nothing(runner, app_store):
    before = snapshot(app_store)
    result = run(runner, SAMPLE_XLSX, *RESOLVED, "--dry-run")
    assert result.exit_code == 0 and "32 nouvelles" in result.output
    assert "Nothing written" in result.output
    assert snapshot(app_store) == before


def _workbook(tmp_path, name, build):  # type: ignore[no-untyped-def]
    book = load_workbook(SAMPLE_XLSX)
    build(book["Cartographie"])
    path = tmp_path / name
    book.save(path)
    return path


def _merged_header(sheet):  # type: ignore[no-untyped-def]
    sheet.merge_cells("H4:I4")


def _formulas(sheet):  # type: ignore[no-untyped-def]
    sheet["A6"] = "=A5+1"
    sheet["A7"] = "=A6+1"


def _empty_file(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "vide.xlsx"
    Workbook().save(path)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda t: _workbook(t, "fusion.xlsx", _merged_header),
            "fusionnées dans la ligne des titres (H4:I4)",
        ),
        (
            lambda t: _workbook(t, "formules.xlsx", _formulas),
            "contient des formules (cellules A6, A7)",
        ),
        (_empty_file, "aucune donnée"),
        (lambda t: _bytes(t, "bad.csv", b"Structure;Lieu\nCentre \x81\x8d;Goma\n"), "octet 0x81"),
        (lambda t: _bytes(t, "utf16.csv", SAMPLE_CSV.read_text().encode("utf-16")), "UTF-16"),
        (lambda t: _bytes(t, "big.csv", b"x;y\n" * (5 * 1024 * 1024 + 1)), "dépasse 10 Mo"),
        (lambda t: _bytes(t, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), ".xls"),
    ],
    ids=["merged-header", "formulas", "empty", "wrong-bytes", "utf16", "20mb", "xls"],
)
def test_malformed_files_get_a_clear_message_and_write_nothing(
    runner, app_store, tmp_path, make, message
):
    before = snapshot(app_store)
    result = run(runner, make(tmp_path), *RESOLVED)
    assert result.exit_code == 1
    assert message in result.output and "Nothing was imported." in result.output
    assert snapshot(app_store) == before


def _bytes(tmp_path, name, data):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_corrected_sheet_updates_only_what_changed(runner, app_store, tmp_path):
    assert run(runner, SAMPLE_CSV, *RESOLVED).exit_code == 0
    rows = make_samples.csv_rows()
    rows[4][8] = "0970 000 109"  # row 5: Hôpital Amani in Goma, new phone
    path = tmp_path / SAMPLE_CSV.name
    _write_csv(path, rows)
    result = run(runner, path, *RESOLVED)
    assert result.exit_code == 0
    assert "Fiches : 0 nouvelles, 1 mises à jour, 31 inchangées, 0 conservées." in result.output
    changed = next(s for s in listings(app_store, "service") if s["version"] == 2)
    assert changed["phones"][0]["number"] == "+243 970 000 109"


def _write_csv(path, rows):  # type: ignore[no-untyped-def]
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)


def test_claimed_and_edited_listings_are_not_overwritten(runner, app_store, tmp_path):
    assert run(runner, SAMPLE_CSV, *RESOLVED).exit_code == 0
    services = listings(app_store, "service")
    orgs = {o["name"]: o["id"] for o in listings(app_store, "organization")}
    users.create_user(
        app_store,
        "amani@example.org",
        "Amani",
        "provider",
        "lac Kivu pirogue 2026",
        orgs["Hôpital Amani (fictif)"],
    )
    umoja = next(
        s for s in services if s["organization_id"] == orgs["Centre de santé Umoja (fictif)"]
    )
    app_store.update(
        "service", umoja["id"], {**umoja, "capabilities": ["pep"]}, umoja["version"], "user:coord"
    )
    rows = make_samples.csv_rows()
    for row in rows[4:]:
        row[8] = "0812 999 999"  # every phone changes
    path = tmp_path / SAMPLE_CSV.name
    _write_csv(path, rows)
    result = run(runner, path, *RESOLVED)
    assert result.exit_code == 0, result.output
    assert "conservé : l'organisation gère ses fiches" in result.output
    assert "conservé : modifié dans Njia depuis l'import" in result.output
    assert "Fiches : 0 nouvelles, 9 mises à jour, 20 inchangées, 3 conservées." in result.output
    after = {s["id"]: s for s in listings(app_store, "service")}
    assert after[umoja["id"]]["capabilities"] == ["pep"]
    assert after[umoja["id"]]["phones"] == umoja["phones"]
    amani = [s for s in after.values() if s["organization_id"] == orgs["Hôpital Amani (fictif)"]]
    assert all(s["version"] == 1 for s in amani)


def test_a_mapping_file_and_the_mapping_saved_for_the_partner(runner, app_store, tmp_path):
    written = tmp_path / "mapping.json"
    assert (
        run(runner, SAMPLE_XLSX, *RESOLVED, "--dry-run", "--write-mapping", str(written)).exit_code
        == 0
    )
    mapping = json.loads(written.read_text())
    assert mapping["columns"]["organization"] == ["Structure"]
    assert mapping["needs"]["referencement"] == []
    mapping["needs"]["referencement"] = ["case_management"]
    mapping["columns"].pop("focal_point")
    written.write_text(json.dumps(mapping))
    result = run(runner, SAMPLE_XLSX, *RESOLVED, "--mapping", str(written))
    assert result.exit_code == 0, result.output
    org = next(o for o in listings(app_store, "organization") if "Upendo" in o["name"])
    [upendo] = [s for s in listings(app_store, "service") if s["organization_id"] == org["id"]]
    assert upendo["needs"] == ["psychosocial", "case_management"]
    assert [p["description"] for p in upendo["phones"]] == [""]
    again = run(runner, SAMPLE_XLSX, *RESOLVED, "--dry-run")  # the saved mapping, no file
    assert "'referencement'                  -> case_management" in again.output
    assert "32 inchangées" in again.output


def test_bad_options_are_named(runner, app_store, tmp_path):
    assert "no sheet 'Nope'" in run(runner, SAMPLE_XLSX, "--sheet", "Nope").output
    assert "expected ROW=PLACE_ID" in run(runner, SAMPLE_XLSX, "--choose", "12").output
    bad = tmp_path / "m.json"
    bad.write_text('{"columns": {"organization": "Absente"}}')
    assert "no column titled ['Absente']" in run(runner, SAMPLE_XLSX, "--mapping", str(bad)).output
    assert sum(app_store.counts().values()) == 0


def test_the_command_is_documented():
    readme = (ROOT / "README.md").read_text()
    assert "flask --app wsgi import-sheet PATH" in readme
    assert (ROOT / "docs" / "spreadsheet-import.md").exists()
