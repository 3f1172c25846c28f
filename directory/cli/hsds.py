"""``flask --app wsgi import-hsds PATH`` and ``flask --app wsgi export-hsds PATH``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import with_appcontext

from directory.core.schemas import NEED_CODES, TAXONOMY, TIERS
from directory.exchange.hsds import exporter, importer, parsing
from directory.store import get_store

PROVINCES = sorted(code for code, area in TAXONOMY.areas.items() if area.level == 1)


@click.command("import-hsds")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--default-province",
    type=click.Choice(PROVINCES),
    help="Province P-code for locations whose province cannot be found (no Njia area "
    "attribute, point outside the DRC, no matching address), and the area of remote "
    "services that name none.",
)
@click.option(
    "--default-need",
    type=click.Choice(NEED_CODES),
    help="Need for services without a njia-need attribute (else they are rejected).",
)
@click.option(
    "--skip-unplaced",
    is_flag=True,
    help="Leave out locations without a valid point (virtual, postal, no or bad coordinates) "
    "instead of rejecting the import; services offered only there become remote.",
)
@click.option(
    "--confidentiality",
    type=click.Choice(TIERS),
    default="public",
    show_default=True,
    help="Tier of locations without a njia-confidentiality attribute.",
)
@click.option("--dry-run", is_flag=True, help="Check and show what would change; write nothing.")
@with_appcontext
def import_hsds(
    path: Path,
    default_province: str | None,
    default_need: str | None,
    skip_unplaced: bool,
    confidentiality: str,
    dry_run: bool,
) -> None:
    """Import HSDS 3.0 data: a JSON file (a list of full organizations or services, or one) or
    a CSV data package (its directory or datapackage.json).

    Everything is validated first (HSDS schemas, then Njia's rules); any problem, named by
    record or file and row, and field, stops the import before anything is written. Running
    the same import again updates listings instead of duplicating them.
    """
    store = get_store()
    notes: dict[str, int] = {}
    options = parsing.Options(
        default_province=default_province,
        default_need=default_need,
        skip_unplaced=skip_unplaced,
        confidentiality=confidentiality,
        source="HSDS import",
    )
    try:
        click.echo(f"Reading and validating {path} ...", err=True)
        records = importer.read_records(path, notes)
        conversion = parsing.convert(records, options, lambda k, i: store.get(k, i) is not None)
        if conversion.errors:
            raise importer.ImportFailed(conversion.errors)
        notes.update(conversion.notes)
        with click.progressbar(conversion.listings, label="Comparing", file=sys.stderr) as bar:
            the_plan = importer.plan(store, list(bar), notes)
    except importer.ImportFailed as exc:
        _fail("Nothing was imported.", exc.problems)
    _report(the_plan)
    if dry_run or not the_plan.writes:
        click.echo("Nothing written." if the_plan.writes else "Nothing to change.")
        return
    actor = f"import-hsds:{path.name}"
    with click.progressbar(length=the_plan.writes, label="Writing", file=sys.stderr) as bar:
        try:
            written = importer.apply(store, the_plan, actor, on_write=lambda: bar.update(1))
        except importer.ImportStopped as exc:
            raise click.ClickException(
                f"The database stopped the import after {exc.written} of {exc.total} listings "
                f"(at {exc.last}): {type(exc.cause).__name__}: {exc.cause}. Those listings are "
                "written; run "
                "the same import again to complete it."
            ) from exc
    click.echo(
        f"Imported {written} listings ({len(the_plan.creates)} new, "
        f"{len(the_plan.updates)} updated, {the_plan.unchanged} unchanged)."
    )


def _report(the_plan: importer.Plan) -> None:
    kinds: dict[str, int] = {}
    for listing in the_plan.creates:
        kinds[listing.kind] = kinds.get(listing.kind, 0) + 1
    summary = ", ".join(f"{n} {k}s" for k, n in kinds.items()) or "none"
    click.echo(
        f"New: {summary}; changed: {len(the_plan.updates)}; unchanged: {the_plan.unchanged}.",
        err=True,
    )
    if the_plan.notes:
        click.echo("Not kept (outside the Njia HSDS profile, see docs/hsds-profile.md):", err=True)
        for note, count in sorted(the_plan.notes.items()):
            click.echo(f"  - {note}: {count}", err=True)


@click.command("export-hsds")
@click.argument("path", type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("json", "csv")),
    default="json",
    show_default=True,
    help="json: a list of full organizations in one file ('-' for stdout); csv: the tabular "
    "data package, written into the directory PATH.",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Include confidential locations and restricted points (a complete copy for another "
    "Njia; keep it as secret as the database). Default: the public view, as /hsds shows it.",
)
@with_appcontext
def export_hsds(path: str, fmt: str, everything: bool) -> None:
    """Export the directory as HSDS 3.0: by default the public view only."""
    store = get_store()
    orgs = exporter.organizations(store, public=not everything)
    if fmt == "csv":
        if path == "-":
            raise click.BadParameter("the CSV data package needs a directory", param_hint="PATH")
        target = Path(path)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise click.BadParameter("must be a new or empty directory", param_hint="PATH")
        rows = exporter.write_csv(orgs, target)
        click.echo(f"Exported {len(orgs)} organizations ({rows} rows) to {target}.", err=True)
    else:
        with click.open_file(path, "w", encoding="utf-8") as out:
            exporter.write_json(orgs, out)
        click.echo(f"Exported {len(orgs)} organizations to {path}.", err=True)
    if everything:
        click.echo("This file includes confidential locations: keep it private.", err=True)


def _fail(summary: str, problems: list[str]) -> NoReturn:
    for problem in problems:
        click.echo(problem, err=True)
    raise click.ClickException(summary)


COMMANDS = (import_hsds, export_hsds)
