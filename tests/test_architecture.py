"""Rules about the code's shape that a reviewer relies on."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from directory.core.taxonomy import get_taxonomy
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


FLASK_FREE = ("core", "places", "search", "coverage", "store")
"""The packages the web layer, the command line and the benchmarks share: each takes a
``Principal`` or a store as an argument and never reads a request."""

ALLOWED = {
    "core": {"store"},  # the store contract's types (store.base)
    "store": {"core"},
    "places": {"matching"},
    "search": {"core", "places", "store", "matching"},
    "coverage": {"core", "places", "store", "matching"},
    "exchange": {"core", "places", "store", "matching", "web.i18n"},
    "web": {"core", "store"},
    "api": {"core", "places", "search", "coverage", "exchange", "store", "web", "matching"},
    "pages": {"core", "places", "search", "coverage", "exchange", "store", "web", "matching"},
    "cli": {
        "core",
        "places",
        "search",
        "coverage",
        "exchange",
        "store",
        "web",
        "matching",
        "create_app",
    },  # the console script builds the app
}
"""What each package of ``directory/`` may import besides itself (``docs/architecture.md``):
the core and places at the bottom, then the store, then the search, coverage and data
exchange, then the web plumbing, then the API, the pages and the command line, which never
import one another; only ``directory/app.py`` sees them all."""


def _imports_of(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "directory":
                yield from (f"directory.{alias.name}" for alias in node.names)
            else:
                yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _allowed(package: str, module: str) -> bool:
    if module.startswith("matching"):
        return "matching" in ALLOWED[package]
    if not module.startswith("directory."):
        return True
    target = module.removeprefix("directory.")
    if target.split(".")[0] == package:
        return True
    return any(target == rule or target.startswith(rule + ".") for rule in ALLOWED[package])


def test_each_package_imports_only_the_layers_below_it():
    offenders = []
    for package in ALLOWED:
        for path in (ROOT / "directory" / package).rglob("*.py"):
            offenders += [
                f"{path.relative_to(ROOT)}: {module}"
                for module in _imports_of(path)
                if not _allowed(package, module)
            ]
    assert offenders == []


def test_every_module_lives_in_a_package_with_a_rule():
    loose = {p.name for p in (ROOT / "directory").glob("*.py")}
    assert loose == {"__init__.py", "app.py", "config.py"}
    packages = {p.name for p in (ROOT / "directory").iterdir() if (p / "__init__.py").exists()}
    assert packages == set(ALLOWED)


def test_the_shared_packages_import_without_flask():
    """Every module of the Flask-free packages, imported in a fresh interpreter, loads no
    Flask; importing ``directory`` itself loads none either."""
    import subprocess
    import sys

    modules = ["directory"]
    for package in FLASK_FREE:
        for path in sorted((ROOT / "directory" / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    check = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "    if 'flask' in sys.modules:\n"
        "        print(name); break\n"
    )
    done = subprocess.run([sys.executable, "-c", check, *modules], cwd=ROOT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert done.stdout.strip() == ""


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


def test_no_module_is_over_400_lines():
    """Long modules are split by what they own (``docs/architecture.md``)."""
    long = [
        f"{p.relative_to(ROOT)}: {n}"
        for package in ("directory", "matching")
        for p in (ROOT / package).rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 400
    ]
    assert long == []
