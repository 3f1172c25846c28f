"""Command-line tools: ``flask --app wsgi COMMAND``. Every command has ``--help``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext

from directory.core import referrals
from directory.core.rights import ROLES, issue_token
from directory.core.taxonomy import SEED_DIR
from directory.exchange import transfer
from directory.exchange.seed_facilities import facility_listings
from directory.store import get_store, open_store

DEMO_FILE = SEED_DIR / "demo_listings.jsonl"
SEED_SETS = ("demo", "facilities")


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database, or upgrade its schema to the current version."""
    store = get_store()
    click.echo(f"Database ready ({_describe(store)}).")


@click.command("seed")
@click.option(
    "--only",
    type=click.Choice(SEED_SETS),
    multiple=True,
    help="Load only these sets (default: all of them).",
)
@with_appcontext
def seed(only: tuple[str, ...]) -> None:
    """Load the seed listings: the demo listings and the healthsites.io facilities.

    A set already present is skipped, so running it again changes nothing.
    """
    store = get_store()
    for name in only or SEED_SETS:
        listings = _seed_listings(name)
        kind, first = listings[0]
        if store.get(kind, first["id"]) is not None:
            click.echo(f"{name}: already loaded; nothing to do.")
            continue
        try:
            count = transfer.load(store, transfer.ParsedImport(listings, []))
        except transfer.ImportFailed as exc:
            _fail(f"{name}: nothing was loaded.", exc.problems)
        click.echo(f"{name}: loaded {count} listings.")


def _seed_listings(name: str) -> list[tuple[str, dict[str, Any]]]:
    if name == "demo":
        lines = DEMO_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
        return transfer.parse_import(lines).listings
    return list(facility_listings())


@click.command("export")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
def export(path: str) -> None:
    """Write the whole directory, with its history, to PATH as JSON Lines ('-' for stdout)."""
    store = get_store()
    total = sum(store.counts().values())
    out = click.open_file(path, "w", encoding="utf-8")
    with out, click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar:
        for line in transfer.export_lines(store):
            out.write(line)
            if '"doc"' in line[:20]:
                bar.update(1)
    click.echo(f"Exported {total} listings to {path}.", err=True)


@click.command("import")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def import_(path: str) -> None:
    """Load an export file into the directory: all of it, or nothing if any line is bad."""
    store = get_store()
    with click.open_file(path, "r", encoding="utf-8") as handle:
        lines = handle.readlines()
    with click.progressbar(length=len(lines), label="Checking", file=sys.stderr) as bar:
        try:
            parsed = transfer.parse_import(lines, on_line=lambda _: bar.update(1))
            count = transfer.load(store, parsed)
        except transfer.ImportFailed as exc:
            _fail("Nothing was imported.", exc.problems)
    click.echo(f"Imported {count} listings and {len(parsed.history)} history entries.")


@click.command("create-token")
@with_appcontext
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--label", required=True, help="Who or what uses the token.")
@click.option("--organization", "organization_id", help="The organization of a provider token.")
def create_token(role: str, label: str, organization_id: str | None) -> None:
    """Create an API token and print its secret once (only a hash is stored)."""
    store = get_store()
    if organization_id and store.get("organization", organization_id) is None:
        raise click.BadParameter("no such organization", param_hint="--organization")
    try:
        secret = issue_token(store, role, label, organization_id)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(secret)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path) -> None:
    """Back up the directory to PATH while the app keeps running.

    Embedded store: a checked copy of the SQLite file. Neo4j: a full export (JSON Lines).
    """
    from directory.exchange import backup as backups

    config = current_app.config
    try:
        if config["STORE"] == "sqlite":
            get_store().ping()
            backups.backup_sqlite(config["DATABASE"], path)
        else:
            with path.open("x", encoding="utf-8") as out:
                out.writelines(transfer.export_lines(get_store()))
    except (backups.BackupError, FileExistsError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a directory that is not empty.")
@with_appcontext
def restore(path: Path, force: bool) -> None:
    """Restore a backup made by `backup` (stop the app first)."""
    from directory.exchange import backup as backups

    store, config = get_store(), current_app.config
    if any(store.counts().values()) and not force:
        raise click.ClickException("The directory is not empty; use --force to replace it.")
    if config["STORE"] != "sqlite":
        raise click.ClickException(
            "For Neo4j, restore an export into an empty database with import."
        )
    store.close()
    try:
        backups.restore_sqlite(path, config["DATABASE"])
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {path}; content hash {backups.content_hash(get_store())[:16]}.")


@click.command("create-admin")
@click.option("--email", required=True, help="The admin's email (the login name).")
@click.option("--name", required=True, help="The admin's name.")
@click.password_option(help="Asked for when not given (at least 12 characters, not common).")
@with_appcontext
def create_admin(email: str, name: str, password: str) -> None:
    """Create an admin account (the first one; admins invite everyone else)."""
    from directory.core import users

    try:
        user = users.create_user(get_store(), email, name, "admin", password, None)
    except users.AccountError as exc:
        raise click.BadParameter(exc.message, param_hint=f"--{exc.field}") from exc
    click.echo(f"Admin {user.email} created.")


@click.command("copy-to-neo4j")
@click.option("--uri", help="Neo4j URI (default: NJIA_NEO4J_URI).")
@click.option("--database", help="Neo4j database (default: NJIA_NEO4J_DATABASE).")
@with_appcontext
def copy_to_neo4j(uri: str | None, database: str | None) -> None:
    """Copy the embedded (SQLite) directory, with its history, into an empty Neo4j database,
    then check that both hold exactly the same listings and history."""
    config = current_app.config
    source = open_store({**config, "STORE": "sqlite"})
    target_config = {**config, "STORE": "neo4j"}
    target_config["NEO4J_URI"] = uri or config["NEO4J_URI"]
    target_config["NEO4J_DATABASE"] = database or config["NEO4J_DATABASE"]
    target = open_store(target_config)
    try:
        target.init_schema()
        if any(target.counts().values()):
            raise click.ClickException("The Neo4j database is not empty; nothing was copied.")
        parsed = transfer.parse_import(list(transfer.export_lines(source)))
        count = transfer.load(target, parsed)
        if list(transfer.export_lines(target)) != list(transfer.export_lines(source)):
            raise click.ClickException("The copy differs from the source; check the Neo4j logs.")
    except transfer.ImportFailed as exc:
        _fail("Nothing was copied.", exc.problems)
    finally:
        target.close()
    click.echo(f"Copied {count} listings and {len(parsed.history)} history entries; verified.")


def _fail(summary: str, problems: list[str]) -> NoReturn:
    for problem in problems:
        click.echo(problem, err=True)
    raise click.ClickException(summary)


def _describe(store: object) -> str:
    path = getattr(store, "path", None)
    return f"SQLite file {path}" if path else type(store).__name__


@click.command("purge-referrals")
@click.option(
    "--days",
    type=click.FloatRange(min=0),
    help="Keep closed referrals this many days (default: NJIA_REFERRAL_RETENTION_DAYS, 90).",
)
@with_appcontext
def purge_referrals(days: float | None) -> None:
    """Delete closed referrals (service given or declined) older than the retention period."""
    keep = float(current_app.config["REFERRAL_RETENTION_DAYS"]) if days is None else days
    count = referrals.purge(get_store(), keep)
    click.echo(f"Deleted {count} referrals closed more than {keep:g} days ago.")


COMMANDS = (
    init_db,
    seed,
    export,
    import_,
    backup,
    restore,
    create_token,
    create_admin,
    copy_to_neo4j,
    purge_referrals,
)


def main() -> None:
    """``njia``: the ``flask --app wsgi`` commands of an installed Njia (``njia init-db``,
    ``njia seed``, ``njia run``, ...), with the same ``NJIA_*`` configuration."""
    from flask.cli import FlaskGroup

    from directory import create_app

    FlaskGroup(name="njia", create_app=create_app, help=main.__doc__)()
