"""The command-line tools: init-db, seed, export/import round trip, tokens, help and docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from directory.cli import COMMANDS
from directory.core.taxonomy import SEED_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_init_db_and_seed_are_idempotent(runner, app_store):
    assert runner.invoke(args=["init-db"]).exit_code == 0
    first = runner.invoke(args=["seed", "--only", "demo"])
    assert first.exit_code == 0 and "demo: loaded 35 listings" in first.output
    again = runner.invoke(args=["seed", "--only", "demo"])
    assert again.exit_code == 0 and "already" in again.output
    assert app_store.counts() == {"organization": 12, "location": 10, "service": 13}


def test_seed_loads_healthsites_facilities_as_unverified_medical_listings(runner, app_store):
    result = runner.invoke(args=["seed", "--only", "facilities"])
    assert result.exit_code == 0, result.output
    # 2,345 hospitals, clinics and doctors, less 127 that give no GBV care (traditional
    # healers, laboratories, opticians, dentists:
    # directory.exchange.seed_facilities.gives_no_gbv_care)
    assert app_store.counts() == {"organization": 2218, "location": 2218, "service": 2218}
    services = [d for k, d in app_store.export() if k == "service"]
    assert not [s["name"] for s in services if s["name"].upper().startswith("TRADI")]
    assert {tuple(s["needs"]) for s in services} == {("medical",)}
    assert all(s["capabilities"] == [] and s["last_verified_at"] is None for s in services)
    assert all("OpenStreetMap" in s["source"] for s in services)
    assert sum(s["schedule"]["always_open"] for s in services) >= 3
    again = runner.invoke(args=["seed", "--only", "facilities"])
    assert "already loaded" in again.output


def test_seed_covers_every_need_and_tier_and_is_marked_demo(runner, app_store):
    runner.invoke(args=["seed", "--only", "demo"])
    docs = list(app_store.export())
    needs = {n for k, d in docs if k == "service" for n in d["needs"]}
    tiers = {d["confidentiality"] for k, d in docs if k == "location"}
    from directory.core.taxonomy import get_taxonomy

    assert needs == set(get_taxonomy().needs)
    assert tiers == {"public", "restricted", "confidential"}
    assert [d["name"] for _, d in docs if not d["demo"] or "démo" not in d["name"].lower()] == []


def test_export_then_import_into_an_empty_directory_is_identical(runner, app, tmp_path):
    from directory import create_app

    runner.invoke(args=["seed", "--only", "demo"])
    first = tmp_path / "export.jsonl"
    assert runner.invoke(args=["export", str(first)]).exit_code == 0
    other = create_app({"STORE": "sqlite", "DATABASE": str(tmp_path / "empty.sqlite3")})
    other = other.test_cli_runner()
    result = other.invoke(args=["import", str(first)])
    assert result.exit_code == 0, result.output
    second = tmp_path / "again.jsonl"
    other.invoke(args=["export", str(second)])
    assert second.read_text() == first.read_text()


def test_import_errors_name_lines_and_fields_and_import_nothing(runner, app_store, tmp_path):
    lines = (SEED_DIR / "demo_listings.jsonl").read_text().splitlines()
    index = next(i for i, ln in enumerate(lines) if '"kind": "service"' in ln)
    record = json.loads(lines[index])
    record["doc"]["needs"] = ["nonsense"]
    lines[index] = json.dumps(record)
    broken = [*lines[:3], "{oops", *lines[3:]]
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(broken) + "\n")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "line 4: not JSON" in result.output
    assert f"line {index + 2} (service): needs.0: Must be one of" in result.output
    assert "Nothing was imported" in result.output
    assert sum(app_store.counts().values()) == 0


def test_import_with_dangling_reference_imports_nothing(runner, app_store, tmp_path):
    lines = (SEED_DIR / "demo_listings.jsonl").read_text().splitlines()
    without_orgs = [lines[0]] + [ln for ln in lines[1:] if '"kind": "organization"' not in ln]
    path = tmp_path / "dangling.jsonl"
    path.write_text("\n".join(without_orgs) + "\n")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0 and "organization_id" in result.output
    assert sum(app_store.counts().values()) == 0


def test_create_token_prints_a_working_secret(runner, client):
    result = runner.invoke(args=["create-token", "--role", "admin", "--label", "me"])
    secret = result.output.strip()
    assert result.exit_code == 0 and secret.startswith("njia_")
    response = client.post(
        "/api/v1/organizations", json={"name": "A"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 201
    bad = runner.invoke(args=["create-token", "--role", "provider", "--label", "x"])
    assert bad.exit_code != 0


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_command_has_help_and_is_documented(tmp_path, command):
    from directory import create_app

    app = create_app({"DATABASE": str(tmp_path / "help.sqlite3")})
    result = app.test_cli_runner().invoke(args=[command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output
    assert f"flask --app wsgi {command}" in (ROOT / "README.md").read_text()
