"""Run Njia's benchmarks and write docs/benchmarks.md and docs/benchmarks-latency.png.

    .venv/bin/python -m benchmarks.run            # 1k, 10k, 100k, 1M (tens of minutes the
                                                  # first time: databases are cached after)
    .venv/bin/python -m benchmarks.run --quick    # 1k and 10k, a couple of minutes

For every size, in the same process and moment: Njia's in-process match on SQLite (one need;
three needs with a care plan), the baselines (geopy loop, numpy scan, k-d tree, PostGIS KNN),
then Neo4j (up to ``--neo4j-max``), the HTTP endpoint under gunicorn with wrk, and import
throughput. Results go to ``benchmarks/results.json`` and the document's results section.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import baselines, http_load, inprocess, loaders, postgis, report
from directory.search.index import MatchIndex
from directory.store.sqlite import SqliteStore

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
DOC = REPO / "docs" / "benchmarks.md"
PLOT = REPO / "docs" / "benchmarks-latency.png"
NEED = "medical"


def log(message: str) -> None:
    """Progress on stdout, with a timestamp."""
    print(time.strftime("%H:%M:%S"), message, flush=True)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(pages / 2**30),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }  # fmt: skip


def bench_size(size: int, args: argparse.Namespace, pg: Any) -> dict[str, Any]:
    """SQLite match and every baseline for one directory size."""
    row: dict[str, Any] = {"sqlite_load": loaders.build_sqlite(size, args.seed, log)}
    path = loaders.sqlite_path(size, args.seed)
    points = inprocess.query_points(size, args.points, args.seed)
    store = SqliteStore(path)
    checked = args.check if size <= 100_000 else min(args.check, 5)  # full searches are slow
    row["exactness"] = inprocess.check_exact(store, points[:checked])
    log(f"  {size:,}: widening search vs full search: {row['exactness']}")
    for scenario, entry in inprocess.bench_store(store, points, args.passes).items():
        row["njia_sqlite_1" if scenario == "1 need" else "njia_sqlite_3"] = entry
    index, row["index_build"] = build_index(store)
    row["index_exactness"] = inprocess.check_exact(store, points[:checked], index)
    log(f"  {size:,}: match index vs full search: {row['index_exactness']}; {row['index_build']}")
    for scenario, entry in inprocess.bench_store(store, points, args.passes, index).items():
        row["njia_index_1" if scenario == "1 need" else "njia_index_3"] = entry
    del index
    store.close()
    by_need = baselines.points_by_need(path)
    latlon = by_need[NEED]
    for key, make in (("numpy", baselines.NumpyScan), ("kdtree", baselines.KdTree)):
        fn = make(latlon)
        row[key] = inprocess.stats(inprocess.time_calls(fn, points, args.passes), args.passes)
    if size <= 10_000:
        fn = baselines.GeopyScan(latlon)
        row["geopy"] = inprocess.stats(inprocess.time_calls(fn, points[:10], 1))
    if pg is not None:
        seconds = pg.load(size, by_need, f"{args.seed}-v{loaders.FORMAT}")
        fn = pg.knn(size, NEED)
        row["postgis"] = inprocess.stats(inprocess.time_calls(fn, points, args.passes), args.passes)
        row["postgis"]["load_s"] = round(seconds, 1)
    log(f"  {size:,}: " + ", ".join(f"{k} {v['median']} ms" for k, v in row.items()
                                    if isinstance(v, dict) and "median" in v))  # fmt: skip
    return row


def build_index(store: SqliteStore) -> tuple[MatchIndex, dict[str, Any]]:
    """The match index of ``store``, built now: seconds, rows, the memory it keeps per row
    (traced allocations still alive after the build; the build is timed without tracing) and
    the process's resident memory after it."""
    import gc
    import tracemalloc

    import psutil

    started = time.perf_counter()
    index = MatchIndex(store, min_services=0)
    index.build()
    seconds = time.perf_counter() - started
    del index
    gc.collect()
    tracemalloc.start()
    index = MatchIndex(store, min_services=0)
    index.build()
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    rows = len(index)
    return index, {"seconds": round(seconds, 2), "rows": rows,
                   "bytes_per_row": round(kept / max(rows, 1)),
                   "rss_mb": round(psutil.Process().memory_info().rss / 2**20)}  # fmt: skip


def bench_growth(sizes: list[int], args: argparse.Namespace) -> dict[str, Any]:
    """The in-process match (through the index) on several sizes at once, request by request
    in turn."""
    stores = {s: SqliteStore(loaders.sqlite_path(s, args.seed)) for s in sizes}
    points = {s: inprocess.query_points(s, args.points, args.seed) for s in sizes}
    indexes = {s: build_index(store)[0] for s, store in stores.items()}
    try:
        return inprocess.bench_growth(stores, points, args.passes, indexes)
    finally:
        for store in stores.values():
            store.close()


def extrapolate_geopy(results: dict[str, Any]) -> None:
    """The geopy loop is linear in the directory size: scale the largest measured size."""
    measured = [int(s) for s, r in results["sizes"].items() if "geopy" in r]
    if not measured:
        return
    base = max(measured)
    per = results["sizes"][str(base)]["geopy"]["median"] / base
    for s, r in results["sizes"].items():
        if "geopy" not in r:
            r["geopy"] = {"median": round(per * int(s), 1), "extrapolated": True}


def bench_neo4j(size: int, args: argparse.Namespace, row: dict[str, Any]) -> None:
    """Load (cached) and match on a real Neo4j 5.26 server started for this size."""
    from benchmarks import neo4j_bench

    reason = neo4j_bench.unavailable_reason()
    if reason:
        row["neo4j_skipped"] = reason
        log(f"  Neo4j skipped: {reason}")
        return
    points = inprocess.query_points(size, args.neo4j_points, args.seed)
    try:
        row.update(neo4j_bench.run(size, args.seed, points, args.passes, log))
    except Exception as exc:  # record it, go on with the rest
        row["neo4j_error"] = f"{type(exc).__name__}: {exc}"
        log(f"  Neo4j failed: {row['neo4j_error']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, fewer points")
    parser.add_argument("--sizes", type=int, nargs="*", help="directory sizes to run")
    parser.add_argument("--points", type=int, default=200, help="query points per size")
    parser.add_argument("--passes", type=int, default=3, help="passes over the points")
    parser.add_argument("--check", type=int, default=50, help="points checked for exactness")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--neo4j-max", type=int, default=100_000, help="largest size on Neo4j")
    parser.add_argument("--neo4j-points", type=int, default=100)
    parser.add_argument("--http-size", type=int, default=100_000)
    parser.add_argument("--http-seconds", type=int, default=10)
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument("--no-postgis", action="store_true")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/")
    parser.add_argument("--cache", type=Path, help="where databases are built and cached")
    parser.add_argument(
        "--redo-http", action="store_true", help="rerun only the HTTP part of the last results"
    )
    args = parser.parse_args()
    if args.cache is not None:
        loaders.CACHE = args.cache.resolve()
    if args.redo_http:
        results = json.loads(RESULTS.read_text())
        results["http"] = _http(args, [int(s) for s in results["sizes"]])
        _finish(results, args)
        return
    if args.quick:
        args.sizes = args.sizes or [1000, 10_000]
        args.points, args.passes, args.check = min(args.points, 100), min(args.passes, 2), 20
        args.neo4j_max, args.http_size, args.http_seconds = 10_000, 10_000, 5
        args.no_doc = True  # a quick run never replaces the full results in docs/
    sizes = sorted(args.sizes or [1000, 10_000, 100_000, 1_000_000])
    results: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "quick": args.quick,
        "machine": machine(), "points": args.points, "passes": args.passes, "sizes": {},
    }  # fmt: skip
    pg = None
    reason = "--no-postgis" if args.no_postgis else postgis.unavailable_reason()
    if reason is None:
        pg = postgis.PostGIS(port=_free_port())
        pg.start()
    results["postgis"] = {"skipped": reason} if reason else {"version": _pg_version(pg)}
    try:
        for size in sizes:
            log(f"size {size:,}")
            results["sizes"][str(size)] = bench_size(size, args, pg)
            _save(results)  # partial results survive a crash
    finally:
        if pg is not None:
            pg.stop()
    extrapolate_geopy(results)
    growth_sizes = [s for s in (1000, max(sizes)) if s in sizes and max(sizes) >= 100_000]
    if len(growth_sizes) == 2:
        log(f"growth 1k → {_label(max(sizes))}, the two sizes taking turns")
        results["growth"] = bench_growth(growth_sizes, args)
    if not args.no_neo4j:
        for size in [s for s in sizes if s <= args.neo4j_max]:
            log(f"Neo4j, size {size:,}")
            bench_neo4j(size, args, results["sizes"][str(size)])
            _save(results)
    try:
        results["http"] = _http(args, sizes)
    except Exception as exc:  # record it, go on
        results["http"] = {"skipped": f"failed: {type(exc).__name__}: {exc}"}
    log("import throughput (SQLite import_all)")
    results["import_all"] = loaders.import_throughput(min(10_000, sizes[0] * 10), args.seed)
    _finish(results, args)


def _label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def _finish(results: dict[str, Any], args: argparse.Namespace) -> None:
    """Save the results, rewrite the document and the plot, print the tables."""
    results["machine"]["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    _save(results)
    if not args.no_doc:
        report.plot(results, PLOT)
        report.update_doc(results, DOC)
    print(report.targets_table(results), report.latency_table(results),
          report.growth_table(results), report.ratio_table(results), report.http_table(results),
          report.loading_table(results),
          sep="\n\n")  # fmt: skip


def _save(results: dict[str, Any]) -> None:
    """``results.json``, or for a quick run ``.cache/results-quick.json`` (not kept in git)."""
    path = loaders.CACHE / "results-quick.json" if results["quick"] else RESULTS
    path.write_text(json.dumps(results, indent=1))


def _http(args: argparse.Namespace, sizes: list[int]) -> dict[str, Any]:
    reason = "--no-http" if args.no_http else http_load.unavailable_reason()
    if reason:
        return {"skipped": reason}
    size = args.http_size if args.http_size in sizes else max(sizes)
    log(f"HTTP under gunicorn + wrk, size {size:,}")
    points = inprocess.query_points(size, 500, args.seed + 1)
    database = loaders.sqlite_path(size, args.seed)
    result = http_load.run(database, points, _free_port(), args.http_seconds, 32)
    return {"size": size, **result}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_version(pg: Any) -> str:
    return str(pg.conn.execute("SELECT postgis_full_version()").fetchone()[0]).split('"')[1]


if __name__ == "__main__":
    main()
