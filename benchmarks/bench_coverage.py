"""Benchmark: coverage gaps for all of the DRC and one need (``docs/coverage.md``).

    .venv/bin/python -m benchmarks.bench_coverage [--repeat 5]

Loads the seed directory (demo listings and the 2,300 healthsites.io facilities) into a fresh
SQLite store, then measures, for ``medical`` (every facility: 2,300 points) and ``pep_24h``
(3 points), medians over ``--repeat`` runs with the distance memo cleared each time:

- reading the directory (one export into a :class:`Snapshot`);
- :func:`directory.coverage.gaps.compute` (the distances from all 13,960 places);
- the tables (provinces, territories, places beyond 50 km);

and, in the same process and moment, the baselines: the brute-force scan with the same
Andoyer-Lambert distance and with geopy's geodesic (on a sample of places, extrapolated to all
of them), and a vectorised numpy haversine scan of every pair when numpy is installed (it is
not a runtime dependency). Prints seconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geopy.distance import geodesic

from directory.cli import DEMO_FILE
from directory.coverage import gaps
from directory.coverage.places import coverage_places
from directory.coverage.snapshot import Snapshot, now
from directory.exchange import transfer
from directory.exchange.seed_facilities import facility_listings
from directory.store.sqlite import SqliteStore
from matching.geo import distance_km

TARGETS = ("medical", "pep_24h")


def median_seconds(
    work: Callable[[], Any], repeat: int, before: Callable[[], None] = lambda: None
) -> float:
    """Median wall time of ``work()`` over ``repeat`` runs (``before()`` untimed)."""
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def seeded_store(folder: Path) -> SqliteStore:
    """A SQLite store holding what ``flask --app wsgi seed`` loads."""
    store = SqliteStore(folder / "njia.sqlite3")
    store.init_schema()
    lines = DEMO_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    listings = transfer.parse_import(lines).listings + list(facility_listings())
    transfer.load(store, transfer.ParsedImport(listings, []))
    return store


def sample_scan(
    points: list[tuple[float, float]], distance: Callable[..., float], size: int
) -> float:
    """Seconds a full scan of all places would take, extrapolated from ``size`` places."""
    places = random.Random(1).sample(coverage_places(), size)  # noqa: S311 - a sample
    start = time.perf_counter()
    for p in places:
        min((distance(p.lat, p.lon, *q) for q in points), default=None)
    return (time.perf_counter() - start) * len(coverage_places()) / size


def numpy_scan(points: list[tuple[float, float]]) -> float | None:
    """Seconds of a vectorised haversine scan of every (place, point) pair, or None."""
    try:
        import numpy as np
    except ImportError:
        return None
    places = coverage_places()
    start = time.perf_counter()
    lat1 = np.radians([p.lat for p in places])[:, None]
    lon1 = np.radians([p.lon for p in places])[:, None]
    lat2 = np.radians([q[0] for q in points])[None, :]
    lon2 = np.radians([q[1] for q in points])[None, :]
    for chunk in range(0, len(places), 2000):
        a, b = lat1[chunk : chunk + 2000], lon1[chunk : chunk + 2000]
        h = np.sin((lat2 - a) / 2) ** 2 + np.cos(a) * np.cos(lat2) * np.sin((lon2 - b) / 2) ** 2
        (2 * 6371.0088 * np.arcsin(np.sqrt(h))).min(axis=1)
    return time.perf_counter() - start


def all_tables(report: gaps.CoverageReport) -> None:
    """What the page and the API build from one report."""
    report.areas("province")
    report.areas("territory")
    report.territories()
    report.beyond(50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    coverage_places()  # the gazetteer is loaded once per process, as in the app
    with tempfile.TemporaryDirectory() as folder:
        store = seeded_store(Path(folder))
        read = median_seconds(lambda: Snapshot.from_store(store), args.repeat)
        snapshot = Snapshot.from_store(store)
        store.close()
    print(f"places: {len(coverage_places())}; reading the directory (export): {read:.3f} s")
    at = now()
    for target in TARGETS:
        report = gaps.compute(snapshot, target, at)
        points = [(p.lat, p.lon) for p in report.supply.points]
        fast = median_seconds(
            lambda t=target: gaps.compute(snapshot, t, at), args.repeat, gaps.clear_memo
        )
        tables = median_seconds(lambda r=report: all_tables(r), args.repeat)
        brute = sample_scan(points, distance_km, 300)
        geo = sample_scan(points, lambda a, b, c, d: geodesic((a, b), (c, d)).km, 20)
        vector = numpy_scan(points)
        print(f"\n{target}: {len(points)} service points")
        print(f"  gaps.compute (all places, k-d tree)   {fast:8.3f} s")
        print(f"  tables (provinces, territories, far)  {tables:8.3f} s")
        print(f"  brute force, same distance (extrap.)  {brute:8.3f} s  ({brute / fast:.1f}x)")
        print(f"  brute force, geopy geodesic (extrap.) {geo:8.3f} s  ({geo / fast:.1f}x)")
        if vector is not None:
            print(f"  numpy haversine, every pair           {vector:8.3f} s")


if __name__ == "__main__":
    main()
