"""The coverage core stays plain Python over plain data: no web framework, no database driver,
no reaching into the web layer (so it can be read, tested and benchmarked on its own)."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "directory" / "coverage"
FORBIDDEN = ("flask", "flask_smorest", "neo4j", "sqlite3", "directory.api", "directory.pages",
             "directory.store.sqlite", "directory.store.neo4j", "directory.web.auth")  # fmt: skip


def test_the_core_imports_no_framework_or_driver():
    offenders = []
    for path in sorted(CORE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)
            ]
    assert offenders == []


def test_modules_stay_short():
    long = [p.name for p in CORE.glob("*.py") if len(p.read_text().splitlines()) > 400]
    assert long == []
