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
