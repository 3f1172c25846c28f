"""A point taken from a place name is said to be approximate, never "0 km · 0 min" (issue 19,
item 5): the sheet import marks it, HSDS carries it, the matcher still ranks by it but warns,
and the public page and the caseworker page say "in Goma (approximate position)"."""

from __future__ import annotations

import re

from tests.imports.helpers import PARTNER, coordinator_client

HEADER = "Structure;Localité;Province;Type de service;Téléphone;Latitude;Longitude\n"
NAMED = "Centre Amani (fictif);Goma;Nord-Kivu;PEC médicale;0970 000 101;;\n"
MEASURED = "Clinique Umoja (fictive);Goma;Nord-Kivu;PEC médicale;0970 000 102;-1.6700;29.2400\n"
GOMA_CENTRE = {"lat": -1.6792, "lon": 29.2228}


def _import(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sheet.csv"
    path.write_text(HEADER + NAMED + MEASURED, encoding="utf-8")
    result = runner.invoke(args=["import-sheet", str(path), "--partner", PARTNER])
    assert result.exit_code == 0, result.output


def test_a_point_from_a_place_name_is_marked_approximate(runner, app_store, tmp_path):
    _import(runner, tmp_path)
    locations = {d["name"]: d for k, d in app_store.export() if k == "location"}
    named = next(d for n, d in locations.items() if n.startswith("Centre Amani"))
    measured = next(d for n, d in locations.items() if n.startswith("Clinique Umoja"))
    assert named["approximate"] is True
    assert "approximate" not in measured


def test_the_match_ranks_by_it_but_says_it_is_approximate(runner, client, tmp_path):
    _import(runner, tmp_path)
    answer = client.post("/api/v1/match", json={"location": GOMA_CENTRE, "needs": ["medical"]})
    results = answer.get_json()["needs"][0]["results"]
    first = results[0]
    assert first["service"]["name"].startswith("Prise en charge VBG – Centre Amani")
    assert first["location"]["approximate"] is True
    assert "approximate_position" in {w["code"] for w in first["warnings"]}
    assert results[1]["location"]["approximate"] is False


def test_the_pages_say_where_never_zero_km(runner, client, app, app_store, tmp_path):
    _import(runner, tmp_path)
    page = client.post("/", data={"place": "Goma", "needs": "medical"})
    html = page.get_data(as_text=True)
    assert "(position approximative)" in html
    assert not re.search(r"\b0 km · environ 0 min", html)
    staff = coordinator_client(app, app_store)
    form = staff.get("/workspace").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    found = staff.post(
        "/workspace", data={"csrf_token": token, "place": "Goma", "needs": "medical"}
    ).get_data(as_text=True)
    assert "(position approximative)" in found
