"""Benchmark the offline gazetteer: load time, place search and nearest-place lookups.

    .venv/bin/python benchmarks/bench_gazetteer.py [--queries 2000] [--seed 1]

Prints medians and 99th percentiles in milliseconds. Queries are drawn from the gazetteer itself:
exact names, 3-letter prefixes and names with one letter substituted, in equal shares. Nearest
lookups use random points inside the DRC and are compared with a brute-force haversine scan
run in the same process (machines are shared and noisy: read the ratio, not only the time).
"""

import argparse
import random
import statistics
import time
from collections.abc import Callable

from directory.places.gazetteer import SEED_DIR, Gazetteer
from directory.places.names import normalise
from matching.geo import distance_km


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) * 1000 / repeat


def summary(label: str, times_ms: list[float]) -> str:
    times_ms = sorted(times_ms)
    p99 = times_ms[min(len(times_ms) - 1, int(len(times_ms) * 0.99))]
    return f"{label:<28} median {statistics.median(times_ms):8.3f} ms   p99 {p99:8.3f} ms"


def queries(gazetteer: Gazetteer, n: int, rng: random.Random) -> dict[str, list[str]]:
    names = [normalise(p.name) for p in gazetteer if len(normalise(p.name)) >= 4]
    picks = [rng.choice(names) for _ in range(n)]
    typos = []
    for name in picks:
        pos = rng.randrange(len(name))
        typos.append(name[:pos] + rng.choice("abcdefghijklmnopqrstuvwxyz") + name[pos + 1 :])
    return {"exact name": picks, "3-letter prefix": [p[:3] for p in picks], "1-letter typo": typos}


def random_drc_points(gazetteer: Gazetteer, n: int, rng: random.Random) -> list[tuple]:
    points = []
    while len(points) < n:
        lat, lon = rng.uniform(-13.5, 5.4), rng.uniform(12.2, 31.3)
        if gazetteer.in_drc(lat, lon):
            points.append((lat, lon))
    return points


def brute_force_nearest(gazetteer: Gazetteer, lat: float, lon: float) -> object:
    return min(gazetteer, key=lambda p: distance_km(lat, lon, p.lat, p.lon))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 - reproducible samples, not secrets

    loads = [timed(lambda: Gazetteer.load(SEED_DIR)) for _ in range(5)]
    gazetteer = Gazetteer.load(SEED_DIR)
    print(f"{len(gazetteer)} places")
    print(summary("load", loads))

    all_times: list[float] = []
    for label, qs in queries(gazetteer, args.queries // 3, rng).items():
        times = [timed(lambda q=q: gazetteer.search(q, 10)) for q in qs]
        all_times += times
        print(summary(f"search, {label}", times))
    print(summary("search, all", all_times))

    points = random_drc_points(gazetteer, 500, rng)
    print(summary("in_drc", [timed(lambda p=p: gazetteer.in_drc(*p)) for p in points]))
    print(
        summary(
            "nearest (k-d tree, ellipsoid)",
            [timed(lambda p=p: gazetteer.nearest(*p)) for p in points],
        )
    )
    brute = [timed(lambda p=p: brute_force_nearest(gazetteer, *p)) for p in points[:50]]
    print(summary("nearest, brute-force scan", brute))
    grid = [timed(lambda p=p: gazetteer.nearest(*p)) for p in points[:50]]
    ratio = statistics.median(brute) / statistics.median(grid)
    print(f"brute force / grid, same 50 points: {ratio:.0f}x")


if __name__ == "__main__":
    main()
