"""The matcher end to end in-process: what ``POST /api/v1/match`` does, minus HTTP.

One timed call validates the body with the API's own schema, describes the point with the
gazetteer (:func:`directory.search.engine.point_from`), runs
:func:`directory.search.engine.run_match` on the store (candidate search, the pure matcher, the
JSON view) and serialises the answer with orjson, as the app's JSON provider does
(:mod:`directory.web.json`). The audience is the public one; ``at`` is fixed (a Tuesday, 10:00
in Kinshasa) so that opening hours, and so the work done, do not depend on when the benchmark
runs.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from benchmarks.datagen import Generator
from directory.api.match import MatchRequestSchema
from directory.search import engine
from directory.search.index import MatchIndex
from directory.store.base import Store
from directory.web.json import OPTIONS as ANSWER_OPTIONS

AT = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
SCENARIOS: dict[str, dict[str, Any]] = {
    "1 need": {"needs": ["medical"]},
    "3 needs + care plan": {
        "needs": ["medical", "psychosocial", "legal"],
        "hours_since_incident": 30,
        "sex": "female",
        "age": 24,
    },
}
"""Request bodies without their location. The second is inside the PEP window (urgent)."""


def query_points(size: int, count: int, seed: int) -> list[tuple[float, float]]:
    """``count`` search points drawn like the services, the same for every method."""
    rng = random.Random(f"points:{seed}")  # noqa: S311 - reproducible, not secret
    gen = Generator(size, seed)
    return [gen.point(rng) for _ in range(count)]


def match_once(store: Store, body: dict[str, Any], index: MatchIndex | None = None) -> str:
    """One in-process match, as the endpoint does it (through ``index`` if given, refreshed
    from the store's change mark as before every match); returns the JSON text."""
    data = MatchRequestSchema().load(body)
    where = data.pop("location")
    point = engine.point_from(where["lat"], where["lon"])
    options = {
        **data,
        "needs": tuple(data["needs"]),
        "languages": frozenset(data.get("languages", ())),
        "accessibility": frozenset(data.get("accessibility", ())),
        "at": AT,
    }
    answer = engine.run_match(store, point, options, "public", index=index)
    return orjson.dumps(answer, option=ANSWER_OPTIONS).decode()


def body_for(scenario: str, point: tuple[float, float]) -> dict[str, Any]:
    """The request body of ``scenario`` at ``point``."""
    return {"location": {"lat": point[0], "lon": point[1]}, **SCENARIOS[scenario]}


def time_calls(fn: Callable[[Any], object], args: list[Any], passes: int) -> list[float]:
    """Milliseconds of each call of ``fn`` over ``args``, ``passes`` times (one warm-up pass)."""
    for a in args[: max(1, len(args) // 4)]:
        fn(a)
    times = []
    for _ in range(passes):
        for a in args:
            start = time.perf_counter()
            fn(a)
            times.append((time.perf_counter() - start) * 1000)
    return times


def stats(times_ms: list[float], passes: int = 1) -> dict[str, float]:
    """Median, mean, p99 and the spread of per-pass medians, in milliseconds."""
    ordered = sorted(times_ms)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    per_pass = [statistics.median(chunk) for chunk in _chunks(times_ms, passes)]
    return {
        "median": round(statistics.median(ordered), 3),
        "mean": round(statistics.fmean(ordered), 3),
        "p99": round(p99, 3),
        "pass_medians": [round(m, 3) for m in per_pass],
        "n": len(ordered),
    }


def _chunks(values: list[float], parts: int) -> list[list[float]]:
    size = max(1, len(values) // max(1, parts))
    return [values[i : i + size] for i in range(0, len(values), size)][:parts]


def check_exact(
    store: Store, points: list[tuple[float, float]], index: MatchIndex | None = None
) -> dict[str, int]:
    """Compare the widening search (through ``index`` if given) with the full-radius search
    of the store on every point and scenario.

    Returns the number of comparisons and of differing answers (which must be 0).
    """
    compared = differing = 0
    saved = engine.FIRST_RADIUS_KM, engine.RADIUS_GROWTH, engine.CONFIDENTIAL_BATCH
    for scenario in SCENARIOS:
        for p in points:
            body = body_for(scenario, p)
            fast = match_once(store, dict(body), index)
            # One step to max_distance_km, one to the wider radius: the search before widening.
            engine.FIRST_RADIUS_KM = engine.RADIUS_GROWTH = float("inf")
            engine.CONFIDENTIAL_BATCH = float("inf")  # every confidential service
            try:
                full = match_once(store, dict(body))
            finally:
                (engine.FIRST_RADIUS_KM, engine.RADIUS_GROWTH,
                 engine.CONFIDENTIAL_BATCH) = saved  # fmt: skip
            compared += 1
            differing += fast != full
    return {"compared": compared, "differing": differing}


def bench_store(
    store: Store, points: list[tuple[float, float]], passes: int, index: MatchIndex | None = None
) -> dict[str, dict[str, Any]]:
    """Median and p99 of both scenarios on ``store`` (through ``index``) over ``points``."""
    results = {}
    for scenario in SCENARIOS:
        bodies = [body_for(scenario, p) for p in points]
        times = time_calls(lambda b: match_once(store, b, index), bodies, passes)
        results[scenario] = stats(times, passes)
    return results


def bench_growth(
    stores: dict[int, Store],
    points: dict[int, list[tuple[float, float]]],
    passes: int,
    indexes: dict[int, MatchIndex] | None = None,
) -> dict[str, dict[str, Any]]:
    """Both scenarios on every store, taking turns request by request (one to each size, then
    the next point): the sizes are measured under the same load, whatever the machine does
    meanwhile. Returns, per scenario, each size's stats and the ratio of the largest size's
    median to the smallest's."""
    sizes = sorted(stores)
    results: dict[str, dict[str, Any]] = {}
    for scenario in SCENARIOS:
        bodies = {s: [body_for(scenario, p) for p in points[s]] for s in sizes}
        for s in sizes:  # warm-up, as time_calls does
            for body in bodies[s][: max(1, len(bodies[s]) // 4)]:
                match_once(stores[s], body, (indexes or {}).get(s))
        times: dict[int, list[float]] = {s: [] for s in sizes}
        for _ in range(passes):
            for i in range(min(len(b) for b in bodies.values())):
                for s in sizes:
                    start = time.perf_counter()
                    match_once(stores[s], bodies[s][i], (indexes or {}).get(s))
                    times[s].append((time.perf_counter() - start) * 1000)
        entry: dict[str, Any] = {str(s): stats(times[s], passes) for s in sizes}
        entry["ratio"] = round(entry[str(sizes[-1])]["median"] / entry[str(sizes[0])]["median"], 2)
        results[scenario] = entry
    return results
