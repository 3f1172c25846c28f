"""``import-hsds`` and ``export-hsds``: round trips, idempotence, errors, the spec's examples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from directory import create_app
from directory.exchange.hsds import exporter, mapping, parsing, spec
from tests.hsds.conftest import rich_directory, validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = spec.EXAMPLES_DIR
FOREIGN = ("--default-province", "CD10", "--default-need", "psychosocial", "--skip-unplaced")
MANAGED = ("version", "created_at", "updated_at")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def empty_runner(tmp_path):
    """A second, empty directory (embedded store) to import into."""
    other = create_app({"STORE": "sqlite", "DATABASE": str(tmp_path / "other.sqlite3")})
    yield other.test_cli_runner()
    other.extensions["njia_store"].close()


def listings_of(runner) -> list:
    from directory.store import get_store

    with runner.app.app_context():
        return list(get_store().export())


def run(runner, *args: str):
    result = runner.invoke(args=[*args])
    assert result.exit_code == 0, result.output
    return result


def test_mapping_is_lossless_for_every_field(app_store):
    docs = rich_directory(app_store)
    orgs = exporter.organizations(app_store, public=False)
    records = [
        ("organization", json.loads(json.dumps(o)), f"record {i}") for i, o in enumerate(orgs)
    ]
    conversion = parsing.convert(records, parsing.Options(), lambda kind, ident: False)
    assert conversion.errors == [] and not conversion.notes
    stored = {(k, d["id"]): d for k, d in app_store.export()}
    assert len(conversion.listings) == len(docs) == len(stored)
    for listing in conversion.listings:
        original = stored[(listing.kind, listing.doc["id"])]
        assert listing.doc == {k: v for k, v in original.items() if k not in MANAGED}
        assert listing.bookkeeping == {k: original[k] for k in MANAGED}


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_into_an_empty_directory_reproduces_it(
    runner, empty_runner, app_store, tmp_path, fmt
):
    rich_directory(app_store)
    first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
    run(runner, "export-hsds", str(first), "--all", "--format", fmt)
    result = run(
        empty_runner, "import-hsds", str(first / "datapackage.json" if fmt == "csv" else first)
    )
    assert "Imported 8 listings" in result.output and "Not kept" not in result.output
    assert listings_of(empty_runner) == list(app_store.export())
    run(empty_runner, "export-hsds", str(second), "--all", "--format", fmt)
    if fmt == "json":
        assert second.read_text() == first.read_text()
    else:
        for path in sorted(first.iterdir()):
            assert (second / path.name).read_text() == path.read_text(), path.name


def test_exported_json_is_valid_hsds_and_public_by_default(runner, app_store, tmp_path):
    docs = rich_directory(app_store)
    run(runner, "export-hsds", str(tmp_path / "public.json"))
    text = (tmp_path / "public.json").read_text()
    assert docs["shelter"]["id"] not in text and "Portail vert" not in text
    for org in json.loads(text):
        validate("compiled/organization", org)


def test_reimport_updates_instead_of_duplicating(runner, app_store, tmp_path):
    docs = rich_directory(app_store)
    path = tmp_path / "dir.json"
    run(runner, "export-hsds", str(path), "--all")
    again = run(runner, "import-hsds", str(path))
    assert "Nothing to change" in again.output
    orgs = json.loads(path.read_text())
    clinic = next(s for o in orgs for s in o["services"] if s["id"] == docs["clinic"]["id"])
    clinic["name"] = "Soins post-viol (CMR)"
    path.write_text(json.dumps(orgs))
    changed = run(runner, "import-hsds", str(path))
    assert "1 updated" in changed.output
    assert app_store.get("service", docs["clinic"]["id"])["name"] == "Soins post-viol (CMR)"
    history = app_store.history("service", docs["clinic"]["id"])
    assert history[-1].actor == "import-hsds:dir.json" and history[-1].version == 2
    assert sum(app_store.counts().values()) == 8


def test_json_errors_name_record_and_field_and_import_nothing(runner, app_store, tmp_path):
    records = json.loads((EXAMPLES / "organization_full.json").read_text())
    bad = json.loads(json.dumps(records))
    bad["services"][0]["status"] = "open"
    del bad["name"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([records, bad]))
    result = runner.invoke(args=["import-hsds", str(path), *FOREIGN])
    assert result.exit_code != 0 and "Nothing was imported" in result.output
    assert "record 2 (organization" in result.output
    assert "services[0].status: 'open' is not one of" in result.output
    assert "'name' is a required property" in result.output
    assert sum(app_store.counts().values()) == 0


def test_njia_rules_are_checked_before_anything_is_written(runner, app_store, tmp_path):
    path = tmp_path / "org.json"
    shutil.copy(EXAMPLES / "organization_full.json", path)
    result = runner.invoke(args=["import-hsds", str(path)])
    assert result.exit_code != 0
    assert (
        "locations[0]: latitude/longitude:" in result.output and "--skip-unplaced" in result.output
    )
    assert "services[0]: attributes (njia-need):" in result.output
    assert sum(app_store.counts().values()) == 0


def test_csv_errors_name_file_row_and_field(runner, app_store, tmp_path):
    package = tmp_path / "package"
    shutil.copytree(EXAMPLES / "csv", package)
    services = package / "services.csv"
    services.write_text(services.read_text().replace(",12,100,", ",twelve,100,"))
    result = runner.invoke(args=["import-hsds", str(package), *FOREIGN])
    assert result.exit_code != 0
    assert "services.csv row 2: minimum_age: 'twelve' is not a number" in result.output
    assert sum(app_store.counts().values()) == 0


@pytest.mark.parametrize(
    "example",
    [
        "organization_full.json",
        "service_full.json",
        "service_at_location_full.json",
        "csv",
        "tabular.json",
    ],
)
def test_the_specification_examples_import_and_round_trip(
    runner, empty_runner, app_store, tmp_path, example
):
    result = run(runner, "import-hsds", str(EXAMPLES / example), *FOREIGN)
    assert "Imported 2 listings" in result.output and "Not kept" in result.output
    # (the tabular examples link their attribute to no record)
    assert "attributes of other taxonomies" in result.output or example in ("csv", "tabular.json")
    exported = tmp_path / "out.json"
    run(runner, "export-hsds", str(exported), "--all")
    original = json.loads((EXAMPLES / "service_full.json").read_text())
    org = json.loads(exported.read_text())[0]
    service = org["services"][0]
    for key in (
        "id",
        "name",
        "description",
        "email",
        "status",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "alert",
    ):
        assert service[key] == original[key], key
    for key in ("id", "name", "description", "email", "website"):
        assert org[key] == original["organization"][key], key
    assert [p["number"] for p in service["phones"]] == ["+44 1234 234567"]
    assert [lang["code"] for lang in service["languages"]] == ["ur"]
    # 10:00-18:00 at UTC+3, as Kinshasa time (UTC+1)
    hours = [
        (s["byday"], s["opens_at"], s["closes_at"], s["timezone"]) for s in service["schedules"]
    ]
    assert hours == [("TH", "08:00", "16:00", 1), ("FR", "08:00", "16:00", 1)]
    run(empty_runner, "import-hsds", str(exported))
    assert listings_of(empty_runner) == listings_of(runner)


def test_unknown_taxonomies_are_reported(runner, app_store):
    result = run(runner, "import-hsds", str(EXAMPLES / "service_full.json"), *FOREIGN, "--dry-run")
    assert "attributes of other taxonomies kept (taxonomy): 1" in result.output
    assert "Nothing written" in result.output and sum(app_store.counts().values()) == 0


def test_unknown_taxonomies_are_kept_and_exported_again(runner, app_store, tmp_path):
    run(runner, "import-hsds", str(EXAMPLES / "service_full.json"), *FOREIGN)
    (service,) = [d for k, d in app_store.export() if k == "service"]
    (kept,) = service["attributes"]
    original = json.loads((EXAMPLES / "service_full.json").read_text())["attributes"][0]
    assert kept["taxonomy"] == original["taxonomy_term"]["taxonomy"]
    term_id = original["taxonomy_term"]["id"]
    assert kept["term_id"] == term_id and kept["code"] == original["taxonomy_term"]["code"]
    assert kept["value"] == str(original["value"])
    exported = tmp_path / "out.json"
    run(runner, "export-hsds", str(exported))
    (org,) = json.loads(exported.read_text())
    attrs = org["services"][0]["attributes"]
    foreign = [a for a in attrs if a.get("taxonomy_term_id") == term_id]
    assert [a["taxonomy_term"]["taxonomy"] for a in foreign] == [kept["taxonomy"]]
    before = list(app_store.export())
    run(runner, "import-hsds", str(exported), *FOREIGN)
    assert list(app_store.export()) == before  # re-importing our own export changes nothing


def test_store_failure_midway_is_reported(runner, app_store, tmp_path, monkeypatch):
    from directory.store.base import StoreUnavailable

    rich_directory(app_store)
    path = tmp_path / "dir.json"
    run(runner, "export-hsds", str(path), "--all")
    orgs = json.loads(path.read_text())
    for org in orgs:
        org["name"] += " (mis à jour)"
    path.write_text(json.dumps(orgs))
    store_type = type(app_store)
    calls = []
    original_update = store_type.update

    def failing_update(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise StoreUnavailable("down")
        return original_update(self, *args, **kwargs)

    monkeypatch.setattr(store_type, "update", failing_update)
    result = runner.invoke(args=["import-hsds", str(path)])
    assert result.exit_code != 0
    assert "stopped the import after 1 of 2 listings" in result.output, result.output
    assert "run the same import again" in result.output
    monkeypatch.setattr(store_type, "update", original_update)
    assert "1 updated, 7 unchanged" in run(runner, "import-hsds", str(path)).output


@pytest.mark.parametrize("command", ["import-hsds", "export-hsds"])
def test_commands_have_help_and_are_documented(runner, command):
    result = runner.invoke(args=[command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output
    assert f"flask --app wsgi {command}" in (ROOT / "README.md").read_text()


def test_service_at_location_ids_are_stable():
    assert mapping.service_at_location_id("a", "b") == mapping.service_at_location_id("a", "b")
    assert mapping.service_at_location_id("a", "b") != mapping.service_at_location_id("b", "a")


def test_every_example_file_imports_except_the_api_information(runner, app_store):
    for path in sorted(EXAMPLES.glob("*.json")):
        result = runner.invoke(args=["import-hsds", str(path), *FOREIGN, "--dry-run"])
        if path.name == "base.json":
            assert result.exit_code != 0 and "API information, not directory data" in result.output
        else:
            assert result.exit_code == 0, (path.name, result.output)
    assert sum(app_store.counts().values()) == 0


def test_csv_export_defuses_formulas_and_import_restores_the_text(
    runner, empty_runner, app_store, tmp_path
):
    """No cell of the CSV package starts a formula; the text comes back exactly (item 10)."""
    import csv

    from tests import factories

    org = factories.organization(
        name='=HYPERLINK("http://evil.example","Clinique")',
        description="@SUM(1+1)",
        phones=[{"number": "+243 970 000 001", "type": "voice"}],
    )
    app_store.create("organization", org, "test")
    location = factories.location(org["id"], name="-2+3 Site", description="'=already quoted")
    app_store.create("location", location, "test")
    package = tmp_path / "package"
    run(runner, "export-hsds", str(package), "--all", "--format", "csv")
    for path in package.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for value in row:
                    risky = value.startswith(("=", "@", "\t", "\r")) or (
                        value.startswith(("+", "-")) and not value.replace(" ", "").lstrip(
                            "+-").replace(".", "").isdigit()
                    )  # fmt: skip
                    assert not risky, (path.name, value)
    assert "+243 970 000 001" in (package / "phones.csv").read_text(encoding="utf-8")
    run(empty_runner, "import-hsds", str(package / "datapackage.json"))
    imported = dict(((k, d["id"]), d) for k, d in listings_of(empty_runner))
    assert imported[("organization", org["id"])]["name"] == org["name"]
    assert imported[("organization", org["id"])]["description"] == "@SUM(1+1)"
    assert imported[("location", location["id"])]["name"] == "-2+3 Site"
    assert imported[("location", location["id"])]["description"] == "'=already quoted"
