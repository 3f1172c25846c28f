"""Whole-directory export and import in Njia's JSON Lines format (lossless, all-or-nothing).

The file's first line is a header, then one listing per line in dependency order, then the
change history::

    {"format": "njia-directory", "format_version": 1}
    {"kind": "organization", "doc": {...}}
    {"kind": "location", "doc": {...}}
    {"kind": "service", "doc": {...}}
    {"kind": "change", "change": {...}}

An import validates every line first and reports each problem with its line number; nothing is
written unless every line is valid and every reference resolves.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from marshmallow import ValidationError

from directory.core.schemas import flatten_field_errors, stored_schema
from directory.store.base import KINDS, BrokenReference, Change, Conflict, Document, Store

FORMAT = "njia-directory"
FORMAT_VERSION = 1
MAX_REPORTED_ERRORS = 50
CHANGE_FIELDS = ("seq", "kind", "entity_id", "version", "action", "actor", "at", "old", "new")


class ImportFailed(Exception):
    """The file is not importable; ``problems`` lists ``"line N: ..."`` messages."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ParsedImport:
    """A validated import, ready to load."""

    listings: list[tuple[str, Document]]
    history: list[Change]


def export_lines(store: Store) -> Iterator[str]:
    """The whole directory as JSON Lines (each string ends with a newline)."""
    yield _line({"format": FORMAT, "format_version": FORMAT_VERSION})
    for kind, doc in store.export():
        yield _line({"kind": kind, "doc": doc})
    for change in store.export_history():
        yield _line({"kind": "change", "change": asdict(change)})


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n"


def parse_import(
    lines: Iterable[str], on_line: Callable[[int], None] | None = None
) -> ParsedImport:
    """Validate an export file; raise :class:`ImportFailed` naming every bad line."""
    problems: list[str] = []
    listings: list[tuple[str, Document]] = []
    history: list[Change] = []
    number = 0
    for number, raw in enumerate(lines, start=1):
        if on_line:
            on_line(number)
        if len(problems) >= MAX_REPORTED_ERRORS:
            problems.append("(stopped after too many problems)")
            break
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not JSON ({exc.msg} at column {exc.colno})")
            continue
        if number == 1:
            _check_header(record, problems)
            continue
        _parse_record(number, record, listings, history, problems)
    if number == 0:
        problems.append("line 1: the file is empty")
    _check_order_and_duplicates(listings, problems)
    if problems:
        raise ImportFailed(problems)
    return ParsedImport(listings, history)


def _check_header(record: Any, problems: list[str]) -> None:
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        problems.append(f'line 1: expected the header {{"format": "{FORMAT}", ...}}')
    elif record.get("format_version") != FORMAT_VERSION:
        problems.append(f"line 1: format_version must be {FORMAT_VERSION}")


def _parse_record(
    number: int,
    record: Any,
    listings: list[tuple[str, Document]],
    history: list[Change],
    problems: list[str],
) -> None:
    kind = record.get("kind") if isinstance(record, dict) else None
    if kind == "change":
        try:
            history.append(Change(**{f: record["change"][f] for f in CHANGE_FIELDS}))
        except (KeyError, TypeError):
            problems.append(f"line {number}: a change needs the fields {', '.join(CHANGE_FIELDS)}")
        return
    if kind not in KINDS or not isinstance(record.get("doc"), dict):
        problems.append(f"line {number}: expected {{'kind': one of {KINDS}, 'doc': {{...}}}}")
        return
    schema = stored_schema(kind)
    try:
        doc = schema.dump(schema.load(record["doc"]))
    except ValidationError as exc:
        for field, messages in flatten_field_errors(exc.messages).items():
            problems.append(f"line {number} ({kind}): {field}: {' '.join(messages)}")
        return
    listings.append((kind, doc))


def _check_order_and_duplicates(listings: list[tuple[str, Document]], problems: list[str]) -> None:
    seen: set[tuple[str, str]] = set()
    for kind, doc in listings:
        key = (kind, doc["id"])
        if key in seen:
            problems.append(f"{kind} {doc['id']} appears twice")
        seen.add(key)
    listings.sort(key=lambda item: KINDS.index(item[0]))


def load(store: Store, parsed: ParsedImport) -> int:
    """Write a parsed import in one transaction; raise :class:`ImportFailed` on a conflict."""
    try:
        return store.import_all(parsed.listings, parsed.history)
    except BrokenReference as exc:
        raise ImportFailed([f"{exc.field}: {exc.message}"]) from exc
    except Conflict as exc:
        raise ImportFailed([f"{exc} (import into an empty directory)"]) from exc
