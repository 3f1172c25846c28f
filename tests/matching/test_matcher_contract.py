"""The package's contract: its import rule, its documentation, and request validation."""

import ast
import sys
from datetime import datetime
from pathlib import Path

import pytest
from matcher_factories import request

import matching
from matching import match, rank

PACKAGE = Path(matching.__file__).parent
README = (PACKAGE / "README.md").read_text(encoding="utf-8")
FORBIDDEN = {"directory", "flask", "neo4j", "sqlite3", "geopy", "marshmallow"}


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """Top-level module names imported by ``path``, with the import level (0 = absolute)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name.split(".")[0], 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append(((node.module or "").split(".")[0], node.level))
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_matching_imports_only_the_standard_library(path):
    for name, level in imported_modules(path):
        if level:
            continue  # relative: inside matching/
        assert name not in FORBIDDEN, f"{path.name} imports {name}"
        assert name in sys.stdlib_module_names or name == "__future__", (
            f"{path.name} imports {name}, which is not in the standard library"
        )


def emitted_note_codes() -> set[str]:
    """Every code passed as a string literal to Note, _note or _urgency_note in matching/."""
    codes = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"Note", "_note", "_urgency_note"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                codes.add(node.args[0].value)
    return codes


def test_the_scan_finds_the_notes():
    assert {"meets_need", "open_now", "stale_listing", "unmet", "referral_partner"} <= (
        emitted_note_codes()
    )


@pytest.mark.parametrize("code", sorted(emitted_note_codes()))
def test_every_note_code_is_documented(code):
    assert f"`{code}`" in README


@pytest.mark.parametrize("code", sorted(rank.ADJUSTMENTS))
def test_every_adjustment_is_documented_with_its_multiplier(code):
    assert f"`{code}`" in README
    assert f"{rank.ADJUSTMENTS[code]:.2f}" in README


def test_the_public_api():
    assert callable(matching.match)
    for name in ("Candidate", "MatchRequest", "MatchResult", "Note", "Recommendation"):
        assert name in matching.__all__


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"needs": ()}, "needs"),
        ({"needs": ("medical", "medical")}, "needs"),
        ({"needs": tuple(f"n{i}" for i in range(13))}, "needs"),
        ({"at": datetime(2026, 11, 30, 10)}, "at"),
        ({"point": (91.0, 0.0)}, "lat"),
        ({"point": (0.0, 181.0)}, "lon"),
        ({"point": (float("nan"), 0.0)}, "lat"),
        ({"hours_since_incident": -1.0}, "hours_since_incident"),
        ({"age": 121}, "age"),
        ({"age_group": "teen"}, "age_group"),
        ({"sex": "f"}, "sex"),
        ({"max_distance_km": 0.0}, "max_distance_km"),
        ({"max_distance_km": 1000.5}, "max_distance_km"),
        ({"limit": 0}, "limit"),
        ({"limit": 21}, "limit"),
        ({"mode": "boat"}, "mode"),
        ({"audience": "everyone"}, "audience"),
    ],
)
def test_requests_breaking_the_contract_are_refused(fields, field):
    with pytest.raises(ValueError, match=f"field: {field}$"):
        match(request(**fields), [])


def test_the_limits_themselves_are_accepted():
    needs = ("medical", "psychosocial", "legal", "safety", "shelter", "material")
    needs += ("livelihood", "education", "child_support", "case_management", "complaint", "x")
    result = match(request(*needs, max_distance_km=1000.0, limit=20, age=120), [])
    assert len(result.needs) == 12
