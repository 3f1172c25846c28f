"""`make bench BENCH_ARGS=--quick` must keep working: a tiny run of the same benchmark code.

The generator once fell behind the stored schema (it wrote no ``attributes``) and the quick
benchmark failed on a fresh clone while the suite stayed green. This runs the benchmark's own
entry point on a fresh cache: the generator's documents are validated against the stored
schemas as they are loaded, the widening search is compared with the full search, and the
baselines run. Timings are printed, never asserted (speed is measured by the benchmark itself).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_quick_benchmark_runs_on_a_fresh_cache(tmp_path: Path) -> None:
    pytest.importorskip("scipy", reason="benchmark extras not installed (pip install -e .[bench])")
    command = [
        sys.executable, "-m", "benchmarks.run", "--quick", "--sizes", "300", "--points", "10",
        "--passes", "1", "--no-postgis", "--no-http", "--no-neo4j", "--cache", str(tmp_path),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "widening search vs full search" in done.stdout
    assert (tmp_path / "results-quick.json").exists()
    assert not (ROOT / "benchmarks" / "results.json").read_text().count('"quick": true')
