"""The HSDS tabular format (a CSV data package) ⇄ nested HSDS objects.

:func:`flatten` turns nested objects into one row list per HSDS table, linking each child to
its parent by the table's foreign key (``service_id``, ``organization_id``, ...; attributes by
``link_id`` and ``link_entity``). :func:`assemble` does the reverse: rows are nested under every
parent their foreign keys name, in file order, so ``assemble(flatten(x))`` gives ``x`` back for
the objects Njia writes. :func:`read_csv_package` and :func:`write_csv_package` move tables
between files and memory; reading types each cell by the table's JSON Schema and validates the
row, naming the file, row and field of every error. Text a spreadsheet would run as a formula
is written with an apostrophe before it (:func:`defuse`) and read back without (:func:`restore`).
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from directory.exchange.hsds import spec

Doc = dict[str, Any]
Tables = dict[str, list[Doc]]
ORIGIN = "_origin"
"""Key of the origin ("services.csv row 3") that :func:`rows_from` adds to each row."""


def _child_table(prop: Doc) -> str | None:
    ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
    table = str(ref).removesuffix(".json") if ref else None
    return table if table in spec.TABLES else None


def _link(row: Doc, table: str, parent_table: str, parent_id: str) -> None:
    if table == "attribute":
        row.setdefault("link_id", parent_id)
        row.setdefault("link_entity", parent_table)
    elif table == "metadata":
        row.setdefault("resource_id", parent_id)
        row.setdefault("resource_type", parent_table)
    elif f"{parent_table}_id" in spec.csv_columns(table):
        row.setdefault(f"{parent_table}_id", parent_id)


def flatten(objects: Iterable[tuple[str, Doc]]) -> Tables:
    """One list of rows per table (every table present, maybe empty), rows merged by id."""
    rows: dict[str, dict[str, Doc]] = {t: {} for t in spec.TABLES}

    def visit(table: str, obj: Doc, parent: tuple[str, str] | None) -> None:
        props = spec.table_schema(table)["properties"]
        row: Doc = {}
        for key, value in obj.items():
            child = _child_table(props.get(key) or _EXTRA.get((table, key), {}))
            if isinstance(value, list) and child:
                for item in value:
                    visit(child, item, (table, obj["id"]))
            elif isinstance(value, dict) and child:
                visit(child, value, None)
                column = "taxonomy_id" if key == "taxonomy_detail" else f"{key}_id"
                if column in spec.csv_columns(table):
                    row.setdefault(column, value["id"])
            elif not isinstance(value, list | dict):
                row[key] = value
        if parent is not None:
            _link(row, table, *parent)
        existing = rows[table].setdefault(row["id"], row)
        for key, value in row.items():
            existing.setdefault(key, value)

    for table, obj in objects:
        visit(table, obj, None)
    return {t: list(rows[t].values()) for t in spec.TABLES}


_EXTRA = {("organization", "services"): {"type": "array", "items": {"$ref": "service.json"}}}
"""Nesting the uncompiled schemas do not declare (the compiled organization does)."""


def assemble(tables: Tables) -> list[tuple[str, Doc, str]]:
    """Nest rows under their parents; return ``(kind, object, origin)`` top-level records.

    Organizations are records; so are services whose organization is not in the tables, and
    locations neither an organization nor a service in the tables holds.
    """
    children: dict[tuple[str, str], dict[str, list[Doc]]] = defaultdict(lambda: defaultdict(list))
    by_id = {t: {str(r["id"]): r for r in rows} for t, rows in tables.items()}
    for table, rows in tables.items():
        for row in rows:
            for parent_table, parent_id in _parents(table, row):
                children[(parent_table, str(parent_id))][table].append(row)

    def build(table: str, row: Doc) -> Doc:
        obj = dict(row)
        props = spec.table_schema(table)["properties"]
        nested = children.get((table, str(row["id"])), {})
        for key, prop in [*props.items(), *_extra_props(table)]:
            child = _child_table(prop)
            items = nested.get(child or "", []) if prop.get("type") == "array" else []
            if child and items:
                obj[key] = [build(child, item) for item in items]
        term = by_id["taxonomy_term"].get(str(row.get("taxonomy_term_id")))
        if table == "attribute" and term is not None:
            obj["taxonomy_term"] = build("taxonomy_term", term)
        place = by_id["location"].get(str(row.get("location_id")))
        if table == "service_at_location" and place is not None:
            obj["location"] = build("location", place)
        detail = by_id["taxonomy"].get(str(row.get("taxonomy_id")))
        if table == "taxonomy_term" and detail is not None:
            obj["taxonomy_detail"] = dict(detail)
        return obj

    records: list[tuple[str, Doc, str]] = []
    orgs = by_id["organization"]
    services_held = set()
    for row in tables["organization"]:
        records.append(("organization", build("organization", row), str(row.get(ORIGIN, ""))))
    for row in tables["service"]:
        if str(row.get("organization_id")) in orgs:
            services_held.add(str(row["id"]))
        else:
            records.append(("service", build("service", row), str(row.get(ORIGIN, ""))))
    held = {str(r.get("location_id")) for r in tables["service_at_location"]}
    for row in tables["location"]:
        if str(row.get("organization_id")) not in orgs and str(row["id"]) not in held:
            records.append(("location", build("location", row), str(row.get(ORIGIN, ""))))
    return records


def _extra_props(table: str) -> list[tuple[str, Doc]]:
    return [(key, prop) for (t, key), prop in _EXTRA.items() if t == table]


def _parents(table: str, row: Doc) -> Iterable[tuple[str, Any]]:
    if table == "attribute":
        if row.get("link_id"):
            yield str(row.get("link_entity") or ""), row["link_id"]
        return
    for column, value in row.items():
        parent = column.removesuffix("_id")
        linked = column.endswith("_id") and value and parent in spec.TABLES and parent != table
        if linked and not (table == "taxonomy_term" and parent == "taxonomy"):
            yield parent, value


# -- files -----------------------------------------------------------------------------------


def rows_from(table: str, raw_rows: Iterable[tuple[int, Doc]], errors: list[str]) -> list[Doc]:
    """Typed, validated rows of ``table`` from ``(row number, {column: cell})`` pairs.

    Empty cells are absent; ``number`` columns become numbers. Each problem is appended to
    ``errors`` as ``"services.csv row 3: minimum_age: ..."``; bad rows are left out.
    """
    props = spec.table_schema(table)["properties"]
    required = spec.table_schema(table).get("tabular_required", [])
    strings = [
        c for c in spec.table_schema(table).get("required", []) if props[c]["type"] == "string"
    ]
    name = spec.csv_file(table)
    rows = []
    for number, raw in raw_rows:
        where = f"{name} row {number}"
        row: Doc = {}
        for column, cell in raw.items():
            if column in strings and cell == "":
                row[column] = ""  # an empty cell of a required text column is the empty text
            elif column is not None and cell not in (None, ""):
                row[column] = _typed(props.get(column, {}), cell, f"{where}: {column}", errors)
        found = spec.problems(table, row)
        errors += [f"{where}: {p.path}: {p.message}" for p in found]
        errors += [
            f"{where}: {c}: required in the tabular format" for c in required if c not in row
        ]
        if not found:
            row[ORIGIN] = f"{where} ({table} {row['id']})"
            rows.append(row)
    return rows


def _typed(prop: Doc, cell: Any, where: str, errors: list[str]) -> Any:
    if (
        prop.get("type") == "string"
        and isinstance(cell, int | float)
        and not isinstance(cell, bool)
    ):
        return str(cell)  # the JSON form of a table may write an identifier as a number
    if prop.get("type") != "number" or isinstance(cell, int | float):
        return cell
    text = str(cell).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        errors.append(f"{where}: {text!r} is not a number")
        return cell


def read_csv_package(directory: Path, errors: list[str]) -> Tables:
    """Every HSDS table found in ``directory`` (by its standard file name), typed and checked."""
    tables: Tables = {t: [] for t in spec.TABLES}
    for table in spec.TABLES:
        path = directory / spec.csv_file(table)
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            unknown = set(reader.fieldnames or []) - set(spec.csv_columns(table))
            if unknown:
                errors.append(f"{path.name}: unknown columns {', '.join(sorted(unknown))}")
            numbered = (
                (reader.line_num, {k: restore(v) if isinstance(v, str) else v
                                   for k, v in row.items()})
                for row in reader
            )  # fmt: skip
            tables[table] = rows_from(table, numbered, errors)
    return tables


def read_tabular_json(data: Doc, errors: list[str]) -> Tables:
    """Tables from the JSON form of the tabular format (``{"services.csv": [rows]}``)."""
    tables: Tables = {t: [] for t in spec.TABLES}
    for table in spec.TABLES:
        rows = data.get(spec.csv_file(table)) or []
        numbered = ((i + 1, row) for i, row in enumerate(rows) if isinstance(row, dict))
        tables[table] = rows_from(table, numbered, errors)
    return tables


def write_csv_package(tables: Tables, directory: Path) -> int:
    """Write every table's CSV file and ``datapackage.json``; return the number of rows."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for table in spec.TABLES:
        columns = spec.csv_columns(table)
        with (directory / spec.csv_file(table)).open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            for row in tables.get(table, []):
                writer.writerow([_cell(row.get(c)) for c in columns])
                count += 1
    descriptor = json.dumps(spec.load("datapackage.json"), indent=2, ensure_ascii=False)
    (directory / "datapackage.json").write_text(descriptor + "\n", encoding="utf-8")
    return count


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Text a spreadsheet would run as a formula when a cell starts with it."""
_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9][0-9 ().-]*$")
"""A phone number or a number: a spreadsheet reads it as a number, never a call."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return defuse(value)
    return str(value)


def defuse(text: str) -> str:
    """Text as written to a CSV cell: one apostrophe before text that a spreadsheet would run
    as a formula (and before text that already starts with apostrophes and then such a
    character, so that :func:`restore` gives back exactly the text)."""
    bare = text.lstrip("'")
    if bare.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def restore(cell: str) -> str:
    """The text of a cell written by :func:`defuse` (other cells are returned as they are)."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START):
        return cell[1:]
    return cell
