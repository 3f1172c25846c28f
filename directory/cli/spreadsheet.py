"""``flask --app wsgi import-sheet PATH --partner NAME``: the import pages' steps in one
command (read, map, preview, import), for scripts and for people who prefer a terminal."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from directory.exchange.hsds.importer import ImportStopped
from directory.exchange.spreadsheet import drafts, fields, planning, reading, wording
from directory.exchange.spreadsheet.rows import Context, need_tokens
from directory.store import get_store
from directory.web.i18n import LANGUAGES


@click.command("import-sheet")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--partner",
    required=True,
    help="Who the sheet comes from (e.g. 'Sous-cluster VBG Nord-Kivu'): the "
    "listings are attributed to it and its saved mapping is used.",
)
@click.option("--sheet", "sheet_name", help="The sheet to import (default: the first with data).")
@click.option(
    "--header-row",
    type=click.IntRange(min=1),
    help="The row holding the column titles (default: guessed).",
)
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON {"columns": {field: title or [titles]}, "needs": '
    "{word: [need codes]}} (default: the partner's saved mapping, then suggestions).",
)
@click.option(
    "--write-mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the mapping used as JSON, to edit it and pass it to --mapping.",
)
@click.option(
    "--choose",
    multiple=True,
    metavar="ROW=PLACE_ID",
    help="The place of a row whose place is ambiguous (a candidate's id).",
)
@click.option(
    "--skip-row",
    "skip_rows",
    multiple=True,
    type=int,
    metavar="ROW",
    help="Leave a row out of the import (repeat for several).",
)
@click.option(
    "--skip-blocked",
    is_flag=True,
    help="Leave out every row with a blocking problem instead of refusing the import.",
)
@click.option(
    "--lang",
    type=click.Choice(tuple(LANGUAGES)),
    default="fr",
    show_default=True,
    help="Language of the problems and the preview.",
)
@click.option("--dry-run", is_flag=True, help="Show the preview only; write nothing.")
@with_appcontext
def import_sheet(path: Path, partner: str, lang: str, **options: Any) -> None:
    """Import a service mapping sheet (.xlsx or .csv): one row per service point.

    Prints the preview (each row, where it was located, its needs, hours and phones, and every
    problem by row and column), then imports all accepted rows, or nothing if any of them has
    a blocking problem. Importing the same file again changes nothing. Imported listings are
    unverified and attributed to "PARTNER — file name".
    """
    with force_locale(lang):
        _run(path, partner.strip(), options)


def _run(path: Path, partner: str, options: dict[str, Any]) -> None:
    if not partner:
        raise click.BadParameter("must not be empty", param_hint="--partner")
    store = get_store()
    limit = int(current_app.config["IMPORT_MAX_BYTES"])
    if path.stat().st_size > limit:
        _fail(reading.too_large_message(limit))
    data = path.read_bytes()
    try:
        sheets = reading.read_file(path.name, data, limit)
        sheet = _sheet(sheets, options["sheet_name"])
        header_row = options["header_row"] or reading.guess_header_row(sheet)
        reading.check_header(sheet, header_row)
    except reading.Unreadable as exc:
        _fail(exc.message)
    titles = reading.headers(sheet, header_row)
    mapping = _mapping(store, partner, titles, sheet, header_row, options["mapping_path"])
    _echo_mapping(mapping, titles, header_row, sheet.name)
    if options["write_mapping"]:
        text = json.dumps(mapping.to_json(), ensure_ascii=False, indent=2)
        options["write_mapping"].write_text(text + "\n", encoding="utf-8")
    context = Context(partner, path.name, titles, mapping, _choices(options["choose"]),
                      frozenset(options["skip_rows"]))  # fmt: skip
    result = planning.preview(store, context, sheet, header_row)
    if options["skip_blocked"] and result.blocked:
        context.excluded = context.excluded | {row.number for row in result.blocked}
        result = planning.preview(store, context, sheet, header_row)
    for line in wording.preview_lines(result, titles):
        click.echo(line)
    if not result.importable:
        _fail(wording.refusal(result))
    if options["dry_run"]:
        click.echo(wording.plan_line(result) + " Nothing written (--dry-run).")
        return
    mapping = planning.remembered(context, result)
    _write(store, result, partner, path.name, hashlib.sha256(data).hexdigest(), mapping)


def _write(store: Any, result: planning.Preview, partner: str, name: str, sha: str,
           mapping: fields.Mapping) -> None:  # fmt: skip
    try:
        written = planning.write(store, result, "cli")
    except ImportStopped as exc:
        raise click.ClickException(
            f"The database stopped the import after {exc.written} of {exc.total} listings: "
            f"{type(exc.cause).__name__}. Run the same import again to complete it."
        ) from exc
    counts = planning.summary(result)
    drafts.record_batch(store, partner, name, sha, planning.ACTOR_PREFIX + "cli", counts)
    fields.save(store, partner, mapping, planning.ACTOR_PREFIX + "cli")
    click.echo(f"{wording.plan_line(result)} Written: {written} listings.")


def _sheet(sheets: list[reading.Sheet], name: str | None) -> reading.Sheet:
    if name is None:
        return next(s for s in sheets if not s.empty)
    for sheet in sheets:
        if sheet.name == name:
            return sheet
    names = ", ".join(s.name for s in sheets)
    raise click.BadParameter(f"no sheet {name!r}; the sheets are: {names}", param_hint="--sheet")


def _mapping(store: Any, partner: str, titles: list[str], sheet: reading.Sheet, header_row: int,
             path: Path | None) -> fields.Mapping:  # fmt: skip
    saved = fields.load_saved(store, partner)
    if path is not None:
        try:
            given = fields.Mapping.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, UnicodeDecodeError) as exc:
            raise click.BadParameter(str(exc), param_hint="--mapping") from exc
        absent = [t for names in given.columns.values() for t in names if t not in titles]
        if absent:
            raise click.BadParameter(f"no column titled {absent!r} in the sheet",
                                     param_hint="--mapping")  # fmt: skip
        columns = given.columns
        earlier = saved or fields.Mapping()
        saved = fields.Mapping(columns, {**earlier.needs, **given.needs},
                               {**earlier.places, **given.places})  # fmt: skip
    else:
        columns = fields.suggest_columns(titles, saved)
    mapping = fields.Mapping(columns, {}, dict(saved.places) if saved else {})
    context = Context(partner, "", titles, mapping)
    words: list[str] = []
    for cells in sheet.rows[header_row:]:
        words.extend(w for w in need_tokens(context, cells) if w not in words)
    mapping.needs = fields.suggest_needs(words, saved)
    missing = mapping.missing()
    if missing:
        _fail(f"No column for: {', '.join(missing)}. Pass --mapping with those fields "
              f"(the sheet's columns: {', '.join(titles)}).")  # fmt: skip
    return mapping


def _echo_mapping(mapping: fields.Mapping, titles: list[str], header_row: int, name: str) -> None:
    click.echo(f"Sheet {name!r}, titles in row {header_row}.", err=True)
    for key, columns in mapping.columns.items():
        click.echo(f"  {key:<12} <- {', '.join(columns)}", err=True)
    for word, codes in mapping.needs.items():
        click.echo(f"  need word {word!r:<32} -> {', '.join(codes) or '(not a need)'}", err=True)


def _choices(pairs: tuple[str, ...]) -> dict[int, str]:
    chosen: dict[int, str] = {}
    for pair in pairs:
        row, sep, place_id = pair.partition("=")
        if not sep or not row.strip().isdigit() or not place_id.strip():
            raise click.BadParameter(f"{pair!r}: expected ROW=PLACE_ID", param_hint="--choose")
        chosen[int(row)] = place_id.strip()
    return chosen


def _fail(message: str) -> NoReturn:
    raise click.ClickException(f"{message}\nNothing was imported.")


COMMANDS = (import_sheet,)
