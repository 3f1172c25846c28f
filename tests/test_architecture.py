"""Rules about the code's shape that a reviewer relies on."""

from __future__ import annotations

import ast
from pathlib import Path

from directory.taxonomy import get_taxonomy
from matching.model import NEEDS

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_MATCHING = {"directory", "flask", "neo4j", "sqlite3", "geopy", "marshmallow"}


def test_matching_is_pure():
    offenders = []
    for path in (ROOT / "matching").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN_IN_MATCHING
            ]
    assert offenders == []


def test_need_codes_agree_between_taxonomy_and_matcher():
    assert tuple(get_taxonomy().needs) == NEEDS


def test_wsgi_is_only_create_app():
    tree = ast.parse((ROOT / "wsgi.py").read_text())
    statements = [n for n in tree.body if not isinstance(n, ast.Expr)]
    assert len(statements) == 2


CORE = (
    "gazetteer", "geo_parse", "schemas", "taxonomy", "rights", "visibility", "editing",
    "workflow", "referrals", "matchmaker", "match_request", "contact_info", "seed_facilities",
    "store", "store.sqlite", "store.neo4j", "coverage.gaps", "coverage.snapshot", "hsds.mapping",
)  # fmt: skip
"""The core: what the web layer, the command line and the benchmarks share. It takes a
``Principal`` or a store as an argument and never reads a request."""


def test_the_core_imports_without_flask():
    """Each core module, imported alone in a fresh interpreter, loads no Flask."""
    import subprocess
    import sys

    check = (
        "import importlib, sys; importlib.import_module(sys.argv[1]); print('flask' in sys.modules)"
    )
    offenders = []
    for name in CORE:
        done = subprocess.run([sys.executable, "-c", check, f"directory.{name}"], cwd=ROOT,
                              capture_output=True, text=True, check=True)  # fmt: skip
        if done.stdout.strip() != "False":
            offenders.append(name)
    assert offenders == []


def test_blueprints_and_commands_are_registered_in_one_place():
    """Only ``directory/app.py`` registers blueprints and commands (no import side effects,
    no package registering another's routes)."""
    calls = {"register_blueprint", "add_command"}
    offenders = []
    for path in (ROOT / "directory").rglob("*.py"):
        if path.name == "app.py" and path.parent.name == "directory":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in calls:
                offenders.append(f"{path.relative_to(ROOT)}: {node.attr}")
    assert offenders == []


def test_every_registered_blueprint_is_served():
    from directory import create_app
    from directory.app import blueprints

    app = create_app({"DATABASE": "/proc/njia/no-database-needed"})
    documented, others = blueprints()
    assert {b.name for b in [*documented, *others]} <= set(app.blueprints)


def test_data_in_and_out_reaches_into_no_page_api_or_error_module():
    """Transfer, HSDS and the spreadsheet import (their web front ends aside) use the core,
    never a page, an API module or the web error module."""
    web = ("directory.pages", "directory.api", "directory.errors", "directory.workspace")
    fronts = {"api.py", "cli.py", "pages.py"}
    paths = [ROOT / "directory" / "transfer.py"]
    for package in ("hsds", "imports"):
        paths += [p for p in (ROOT / "directory" / package).glob("*.py") if p.name not in fronts]
    offenders = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            modules = [node.module]
            if node.module == "directory":  # from directory import errors
                modules = [f"directory.{alias.name}" for alias in node.names]
            offenders += [f"{path.relative_to(ROOT)}: {m}" for m in modules if m.startswith(web)]
    assert offenders == []
