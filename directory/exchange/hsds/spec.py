"""The local copy of the HSDS 3.0 specification: schema files, a reference registry, validators.

The files live in ``seed_data/hsds-3.0/`` (CC BY-SA 4.0, © Open Referral; see its SOURCE.md).
Their ``$ref``\\ s are relative (``phone.json``) or absolute URLs under :data:`BASE_URL`; the
registry built here maps every such URL to the local file, so validation never touches the
network. Everything is loaded lazily and cached per process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from directory.core.taxonomy import SEED_DIR

HSDS_DIR = SEED_DIR / "hsds-3.0"
SCHEMA_DIR = HSDS_DIR / "schema"
EXAMPLES_DIR = HSDS_DIR / "examples"
BASE_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
HSDS_VERSION = "3.0"

TABLES: tuple[str, ...] = (
    "organization",
    "program",
    "service",
    "attribute",
    "service_at_location",
    "location",
    "phone",
    "contact",
    "address",
    "schedule",
    "funding",
    "service_area",
    "required_document",
    "language",
    "accessibility",
    "taxonomy_term",
    "metadata",
    "meta_table_description",
    "cost_option",
    "organization_identifier",
    "taxonomy",
)
"""Every HSDS table (object type), in the order of the data package descriptor."""


@cache
def load(relative: str) -> Any:
    """A JSON file of the local specification, e.g. ``"schema/compiled/service.json"``."""
    return json.loads((HSDS_DIR / relative).read_text(encoding="utf-8"))


def table_schema(table: str) -> dict[str, Any]:
    """The (uncompiled) JSON Schema of one HSDS table, e.g. ``table_schema("service")``."""
    if table not in TABLES:
        raise KeyError(table)
    return load(f"schema/{table}.json")  # type: ignore[no-any-return]


def csv_file(table: str) -> str:
    """The CSV file name of a table in the tabular format (``services.csv``)."""
    return str(table_schema(table)["path"])


def csv_columns(table: str) -> list[str]:
    """The columns of a table's CSV file, in the data package descriptor's order."""
    for resource in load("datapackage.json")["resources"]:
        if resource["name"] == table:
            return [f["name"] for f in resource["schema"]["fields"]]
    raise KeyError(table)


def schema_urls() -> Iterator[tuple[str, Path]]:
    """Every schema URL of the specification and the local file it names."""
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        yield BASE_URL + path.name, path
    for path in sorted((SCHEMA_DIR / "compiled").glob("*.json")):
        yield BASE_URL + "compiled/" + path.name, path


@cache
def registry() -> Registry:
    """A ``referencing`` registry holding every schema under its published URL."""
    resources = []
    for url, path in schema_urls():
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((url, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for ``name``: a table (``"service"``) or ``"compiled/service"``.

    Formats (``uuid``, ``email``, ``date-time``) are annotations here, as JSON Schema 2020-12
    has them by default: Njia's own validation checks the fields it keeps.
    """
    return Draft202012Validator({"$ref": f"{BASE_URL}{name}.json"}, registry=registry())


@dataclass(frozen=True)
class SchemaProblem:
    """One validation error: the JSON path inside the record and the message."""

    path: str
    message: str


def problems(name: str, instance: Any, limit: int = 20) -> list[SchemaProblem]:
    """Validation errors of ``instance`` against schema ``name``, most specific first."""
    found = []
    for error in validator(name).iter_errors(instance):
        found.append(SchemaProblem(json_path(error.absolute_path), _short(error.message)))
        if len(found) >= limit:
            break
    return sorted(found, key=lambda p: p.path)


def json_path(parts: Any) -> str:
    """``["services", 0, "phones", 1, "number"]`` → ``services[0].phones[1].number``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(record)"


def _short(message: str) -> str:
    return message if len(message) <= 200 else message[:197] + "..."


def served_openapi(api_root: str) -> dict[str, Any]:
    """The HSDS ``openapi.json`` as Njia serves it: ``info`` and ``servers`` filled in, and the
    ``lat``/``lon``/``proximity`` extension of ``/service_at_locations`` documented."""
    doc = json.loads(json.dumps(load("schema/openapi.json")))
    doc["info"] = {
        "title": "Njia — HSDS 3.0 API",
        "version": "1.0",
        "summary": "The public part of the Njia referral directory, in Open Referral HSDS 3.0.",
        "description": "Read-only. Confidential locations are never listed; restricted ones have "
        "no point or landmark. See the Njia HSDS profile linked from GET /.",
        "license": {"name": "CC BY-SA 4.0 (HSDS)", "identifier": "CC-BY-SA-4.0"},
    }
    doc["servers"] = [{"url": api_root}]
    params = doc["paths"]["/service_at_locations"]["get"]["parameters"]
    for name, low, high, text in (
        ("lat", -90, 90, "Latitude (WGS 84) of the point to search around (Njia extension)."),
        ("lon", -180, 180, "Longitude (WGS 84) of the point to search around (Njia extension)."),
    ):
        schema = {"type": "number", "minimum": low, "maximum": high}
        params.append(
            {"name": name, "in": "query", "required": False, "description": text, "schema": schema}
        )
    return doc  # type: ignore[no-any-return]
