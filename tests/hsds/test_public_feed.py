"""The public HSDS feed is whole (issue 18): every reference in it resolves inside the same
feed — `/hsds`, `export-hsds` JSON and each CSV table alike — a restricted location appears
without its point and landmark, a confidential one never, and a consumer (another Njia) loads
it with no error. On both stores."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from directory import create_app
from tests import factories
from tests.hsds.conftest import rich_directory

ENTITY_TABLES = {
    "organization": "organizations", "service": "services", "location": "locations",
    "service_at_location": "service_at_location", "phone": "phones", "schedule": "schedules",
    "service_area": "service_areas", "language": "languages", "accessibility": "accessibility",
    "taxonomy_term": "taxonomy_terms", "taxonomy": "taxonomies",
}  # fmt: skip
ID_COLUMNS = {
    "organization_id": "organizations", "service_id": "services", "location_id": "locations",
    "service_at_location_id": "service_at_location", "taxonomy_term_id": "taxonomy_terms",
    "taxonomy_id": "taxonomies", "schedule_id": "schedules",
}  # fmt: skip


@pytest.fixture
def every_tier(app_store):
    """The rich directory, plus a service offered only at the restricted location."""
    docs = rich_directory(app_store)
    office_only = factories.service(
        docs["org"]["id"], [docs["restricted"]["id"]], name="Conseil juridique", needs=["legal"]
    )
    app_store.create("service", office_only, "test")
    return {**docs, "office_only": office_only}


def _export(app, path: Path, fmt: str) -> None:
    result = app.test_cli_runner().invoke(args=["export-hsds", str(path), "--format", fmt])
    assert result.exit_code == 0, result.output


def _import_into_empty(tmp_path: Path, source: Path) -> str:
    empty = create_app({"STORE": "sqlite", "DATABASE": str(tmp_path / "consumer.sqlite3")})
    try:
        result = empty.test_cli_runner().invoke(args=["import-hsds", str(source)])
    finally:
        empty.extensions["njia_store"].close()
    assert result.exit_code == 0, result.output
    assert "Imported" in result.output
    return str(result.output)


def _json_references(orgs: list[dict]) -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """Ids present in a JSON feed, and every (kind, id) it refers to."""
    present: dict[str, set[str]] = {"organization": set(), "location": set(), "service": set()}
    refs: list[tuple[str, str]] = []
    for org in orgs:
        present["organization"].add(org["id"])
        for location in org.get("locations", []):
            present["location"].add(location["id"])
            refs.append(("organization", location["organization_id"]))
        for service in org.get("services", []):
            present["service"].add(service["id"])
            refs.append(("organization", service["organization_id"]))
            for link in service.get("service_at_locations", []):
                refs.append(("location", link["location_id"]))
                refs.append(("service", link["service_id"]))
    return present, refs


def test_the_public_json_feed_resolves_and_loads_into_an_empty_njia(app, every_tier, tmp_path):
    feed = tmp_path / "public.json"
    _export(app, feed, "json")
    text = feed.read_text(encoding="utf-8")
    assert every_tier["shelter"]["id"] not in text  # confidential: never, nor its links
    assert "Portail vert" not in text  # a restricted landmark
    orgs = json.loads(text)
    present, refs = _json_references(orgs)
    assert [ref for ref in refs if ref[1] not in present[ref[0]]] == []
    restricted = next(
        loc for org in orgs for loc in org.get("locations", [])
        if loc["id"] == every_tier["restricted"]["id"]
    )  # fmt: skip
    assert "latitude" not in restricted and "longitude" not in restricted
    output = _import_into_empty(tmp_path, feed)
    assert "restricted locations whose point a public feed withholds" in output


def test_every_csv_table_of_the_public_feed_resolves_and_loads(app, every_tier, tmp_path):
    package = tmp_path / "public"
    _export(app, package, "csv")
    tables = {
        path.stem: list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        for path in package.glob("*.csv")
    }
    ids = {name: {row["id"] for row in rows if row.get("id")} for name, rows in tables.items()}
    dangling = []
    for name, rows in tables.items():
        for row in rows:
            for column, target in ID_COLUMNS.items():
                if row.get(column) and row[column] not in ids[target]:
                    dangling.append((name, column, row[column]))
            if (
                name == "attributes"
                and row["link_id"] not in ids[ENTITY_TABLES[row["link_entity"]]]
            ):
                dangling.append((name, row["link_entity"], row["link_id"]))
    assert dangling == []
    assert every_tier["shelter"]["id"] not in ids["locations"]
    assert every_tier["restricted"]["id"] in ids["locations"]
    _import_into_empty(tmp_path, package / "datapackage.json")


def test_hsds_service_at_locations_answer_the_same(client, every_tier):
    """Every link `/hsds` gives names a service and an organization it also gives, and a
    location without point when restricted; none names the shelter."""

    def ndjson(path: str) -> list[dict]:  # type: ignore[type-arg]
        response = client.get(path)
        assert response.status_code == 200
        return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]

    services = {s["id"] for s in ndjson("/hsds/services?format=ndjson")}
    organizations = {o["id"] for o in ndjson("/hsds/organizations?format=ndjson")}
    links = ndjson("/hsds/service_at_locations?format=ndjson&full=true")
    assert links
    for link in links:
        assert link["service"]["id"] in services
        assert link["service"]["organization"]["id"] in organizations
        assert link["location"]["id"] == link["location_id"]
        assert link["location_id"] != every_tier["shelter"]["id"]
        if link["location_id"] == every_tier["restricted"]["id"]:
            assert "latitude" not in link["location"]
    assert every_tier["restricted"]["id"] in {link["location_id"] for link in links}
