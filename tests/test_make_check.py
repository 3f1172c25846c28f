"""`make check` (README) selects the fast tests: nothing that needs Neo4j, Chromium or seconds."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_make_check_leaves_out_neo4j_browser_and_slow_tests_and_keeps_the_rest():
    recipe = (ROOT / "Makefile").read_text().split("\ncheck:", 1)[1].split("\n\n", 1)[0]
    selection = re.search(r'-m "([^"]+)"', recipe)
    assert selection is not None and "-n 4" in recipe
    assert "make check" in (ROOT / "README.md").read_text()
    ids = _collected(selection[1])
    assert len(ids) > 1000 and any("[sqlite]" in i for i in ids)
    assert not ids & _collected("neo4j")
    left_out = ("_browser.py", "test_crash_safety.py", "tests/fuzz/")
    assert not [i for i in ids if any(part in i for part in left_out)]
    assert "tests/test_neo4j.py::" not in "".join(ids)


def _collected(marks: str) -> set[str]:
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", marks]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]
    return {line for line in done.stdout.splitlines() if "::" in line}
