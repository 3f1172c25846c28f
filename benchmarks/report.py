"""Turn a results file into the tables of docs/benchmarks.md and the latency plot.

The tables go between the ``<!-- results:start -->`` and ``<!-- results:end -->`` markers of the
document, so the prose around them (targets, profile notes) is kept when the benchmark is run
again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

START, END = "<!-- results:start -->", "<!-- results:end -->"
METHODS = (
    ("njia_index_1", "Njia match, match index on SQLite, 1 need"),
    ("njia_index_3", "Njia match, match index on SQLite, 3 needs + care plan"),
    ("njia_sqlite_1", "Njia match, SQLite alone, 1 need"),
    ("njia_sqlite_3", "Njia match, SQLite alone, 3 needs + care plan"),
    ("njia_neo4j_index_1", "Njia match, match index on Neo4j, 1 need"),
    ("njia_neo4j_index_3", "Njia match, match index on Neo4j, 3 needs + care plan"),
    ("njia_neo4j_1", "Njia match, Neo4j alone, 1 need"),
    ("njia_neo4j_3", "Njia match, Neo4j alone, 3 needs + care plan"),
    ("geopy", "geopy geodesic loop (baseline)"),
    ("numpy", "numpy haversine scan (baseline)"),
    ("postgis", "PostGIS geography KNN + need filter (baseline)"),
    ("kdtree", "scipy cKDTree, unit sphere (the limit)"),
)


def _size(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def _cell(entry: dict[str, Any] | None, key: str = "median") -> str:
    if not entry:
        return "—"
    value = entry.get(key)
    if value is None:
        return "—"
    text = f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return f"({text})" if entry.get("extrapolated") else text


def latency_table(results: dict[str, Any]) -> str:
    """Median (p99) milliseconds per method and size."""
    sizes = [int(s) for s in results["sizes"]]
    head = "| method | " + " | ".join(_size(s) for s in sizes) + " |"
    lines = [head, "|---|" + "---|" * len(sizes)]
    for key, label in METHODS:
        cells = []
        for s in sizes:
            entry = results["sizes"][str(s)].get(key)
            p99 = "" if not entry or entry.get("extrapolated") else f" / {_cell(entry, 'p99')}"
            cells.append(_cell(entry) + p99)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratio_table(results: dict[str, Any]) -> str:
    """Njia's median over each baseline's, per size."""
    sizes = [int(s) for s in results["sizes"]]
    lines = ["| ratio (medians) | " + " | ".join(_size(s) for s in sizes) + " |",
             "|---|" + "---|" * len(sizes)]  # fmt: skip
    for njia in ("njia_index_1", "njia_sqlite_1", "njia_neo4j_1"):
        for base in ("kdtree", "postgis", "numpy"):
            cells = []
            for s in sizes:
                row = results["sizes"][str(s)]
                a, b = row.get(njia), row.get(base)
                cells.append(f"{a['median'] / b['median']:.1f}×" if a and b else "—")
            label = f"{dict(METHODS)[njia].removeprefix('Njia match, ')} / {base}"
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def http_table(results: dict[str, Any]) -> str:
    """Requests/s and latency of the match endpoint beside the trivial one."""
    http = results.get("http")
    if not http or "match" not in http:
        return f"HTTP benchmark skipped: {http.get('skipped') if http else 'not run'}."
    lines = ["| endpoint | requests/s | p50 ms | p99 ms | non-2xx |", "|---|---|---|---|---|"]
    for name, label in (("match", "POST /api/v1/match (1 need)"), ("livez", "GET /livez")):
        r = http[name]
        cells = f"{r['rps']:,.0f} | {r['p50_ms']} | {r['p99_ms']} | {r['non_2xx']}"
        lines.append(f"| {label} | {cells} |")
    lines.append("")
    lines.append(
        f"Directory: {_size(http['size'])} service locations, SQLite; gunicorn 2 sync workers; "
        f"wrk 2 threads, {http['connections']} connections, {http['seconds']} s per endpoint. "
        f"Match / ceiling: {http['match_over_ceiling']:.0%}. Worker RSS after the runs: "
        f"{', '.join(f'{m:.0f} MB' for m in http['worker_rss_mb'])}."
    )
    return "\n".join(lines)


def loading_table(results: dict[str, Any]) -> str:
    """Seeding and import throughput."""
    lines = ["| what | listings | seconds | listings/s |", "|---|---|---|---|"]
    for key, label in (("import_all", "SQLite `import_all` (one transaction)"),):
        r = results.get(key)
        if r:
            cells = f"{r['listings']:,} | {r['seconds']} | {r['listings_per_s']:,}"
            lines.append(f"| {label} | {cells} |")
    for s, row in results["sizes"].items():
        for key, label in (("sqlite_load", "SQLite bulk load (store's write helper)"),
                           ("neo4j_load", "Neo4j `import_all`, 5,000 per batch")):  # fmt: skip
            r = row.get(key)
            if r:  # cached databases keep the figures measured when they were built
                secs = r.get("load_s")
                lines.append(f"| {label}, {_size(int(s))} | {r['listings']:,} | {secs} | "
                             f"{r['listings_per_s']:,} |")  # fmt: skip
    for s, row in results["sizes"].items():
        r = row.get("index_build")
        if r:
            lines.append(f"| Match index build, {_size(int(s))} (rows; {r['bytes_per_row']} B "
                         f"per row) | {r['rows']:,} | {r['seconds']} | "
                         f"{r['rows'] / max(r['seconds'], 1e-3):,.0f} |")  # fmt: skip
    return "\n".join(lines)


def _median(results: dict[str, Any], size: int, key: str) -> float | None:
    entry = results["sizes"].get(str(size), {}).get(key)
    return entry["median"] if entry and not entry.get("extrapolated") else None


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """Each target of the issue (21): what it asks, what was measured, whether it was met."""
    m = lambda size, key: _median(results, size, key)  # noqa: E731
    sizes = results["sizes"]
    rows: list[tuple[str, str, bool | None]] = []

    def ratio(label: str, a: float | None, b: float | None, limit: float) -> None:
        if a is None or b is None:
            rows.append((label, "not measured", None))
        else:
            rows.append((label, f"{a:.2f} / {b:.2f} ms = {a / b:.2f}×", a / b <= limit))

    def at_most(label: str, value: float | None, limit: float, unit: str = " ms") -> None:
        if value is None:
            rows.append((label, "not measured", None))
        else:
            rows.append((label, f"{value:,.2f}{unit}", value <= limit))

    def at_least(label: str, value: float | None, limit: float, unit: str) -> None:
        if value is None:
            rows.append((label, "not measured", None))
        else:
            rows.append((label, f"{value:,.0f}{unit}", value >= limit))

    at_most("In-process match, 1 need, 100k: median ≤ 1 ms", m(100_000, "njia_index_1"), 1)
    ratio("… and ≤ 2× PostGIS KNN + need filter", m(100_000, "njia_index_1"),
          m(100_000, "postgis"), 2)  # fmt: skip
    at_most("In-process match, 1 need, 1M: median ≤ 1.5 ms", m(1_000_000, "njia_index_1"), 1.5)
    turns = (results.get("growth") or {}).get("1 need")
    if turns:
        big = max(int(s) for s in turns if s.isdigit())
        ratio(f"Growth 1k → {_size(big)}, 1 need, sizes taking turns: ≤ 1.5×",
              turns[str(big)]["median"], turns["1000"]["median"], 1.5)  # fmt: skip
    else:
        rows.append(("Growth 1k → 1M, sizes taking turns: ≤ 1.5×", "not measured", None))
    at_most("In-process match, 3 needs + care plan, 1M: median ≤ 3 ms",
            m(1_000_000, "njia_index_3"), 3)  # fmt: skip
    at_most("Neo4j store, 1 need, 100k: median ≤ 3 ms", m(100_000, "njia_neo4j_index_1"), 3)
    http = results.get("http") or {}
    match = http.get("match", {})
    if match.get("non_2xx", 0) > 0.01 * (match.get("requests") or 1):
        rows.append(("HTTP endpoint targets", f"invalid run: {match['non_2xx']} not 2xx", None))
    elif match:
        at_least("HTTP: ≥ 50 % of `/livez` requests/s", 100 * http["match_over_ceiling"], 50,
                 " %")  # fmt: skip
        at_most("HTTP: p99 < 100 ms at 32 connections", match["p99_ms"], 99.999)
    else:
        rows.append(("HTTP endpoint targets", "not measured", None))
    largest = max((int(s) for s in sizes if "index_build" in sizes[s]), default=None)
    build = sizes[str(largest)]["index_build"] if largest else None
    at_most(f"Index memory per service location{f' ({_size(largest)})' if largest else ''}: "
            "≤ 150 bytes", build and build["bytes_per_row"], 150, " B")  # fmt: skip
    rss = sizes.get("1000000", {}).get("index_build", {}).get("rss_mb")
    at_most("Process RSS with the index at 1M: ≤ 600 MB", rss, 600, " MB")
    neo = sizes.get("100000", {}).get("neo4j_load", {}).get("listings_per_s")
    at_least("Neo4j `import_all`, 100k: ≥ 5,000 listings/s", neo, 5000, " listings/s")
    bulk = sizes.get("1000000", {}).get("sqlite_load", {}).get("listings_per_s")
    at_least("SQLite bulk load, 1M: ≥ 10,000 listings/s", bulk, 10_000, " listings/s")
    return rows


def _both(entry: dict[str, Any]) -> str:
    return f"{_cell(entry)} / {_cell(entry, 'p99')}"


def growth_table(results: dict[str, Any]) -> str:
    """The interleaved growth measurement, if it was made."""
    growth = results.get("growth")
    if not growth:
        return "Growth with the sizes taking turns: not measured."
    big = max(int(s) for s in next(iter(growth.values())) if s.isdigit())
    lines = [f"| growth, sizes taking turns (match index) | 1k | {_size(big)} | ratio of medians |",
             "|---|---|---|---|"]  # fmt: skip
    for scenario, entry in growth.items():
        lines.append(f"| {scenario} | {_both(entry['1000'])} | {_both(entry[str(big)])} "
                     f"| {entry['ratio']}× |")  # fmt: skip
    return "\n".join(lines)


def targets_table(results: dict[str, Any]) -> str:
    """The targets as a Markdown table."""
    mark = {True: "met", False: "**missed**", None: "—"}
    lines = ["| target | measured | |", "|---|---|---|"]
    lines += [f"| {label} | {value} | {mark[ok]} |" for label, value, ok in targets(results)]
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> None:
    """Median latency against directory size, log-log, one line per method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    for key, label in METHODS:
        xs, ys = [], []
        for s, row in results["sizes"].items():
            entry = row.get(key)
            if entry and entry.get("median"):
                xs.append(int(s))
                ys.append(entry["median"])
        if xs:
            style = "--" if key in ("geopy", "numpy", "postgis", "kdtree") else "-"
            style = ":" if key.startswith("njia_sqlite") else style
            ax.plot(xs, ys, style, marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("service locations in the directory")
    ax.set_ylabel("median latency per query (ms)")
    ax.set_title("Njia match (end to end, in-process) vs nearest-10 baselines")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def update_doc(results: dict[str, Any], doc: Path) -> None:
    """Replace the results section of ``doc`` (created with markers if missing)."""
    machine = results["machine"]
    body = "\n\n".join([
        f"Run {results['when']} ({'quick' if results['quick'] else 'full'} mode), "
        f"{machine['cpus']} CPUs ({machine['cpu']}), {machine['memory_gb']} GB, Python "
        f"{machine['python']}, SQLite {machine['sqlite']}; load average before the run "
        f"{machine['load_before']}, after {machine.get('load_after', '?')}. "
        f"{results['points']} query points per size, {results['passes']} passes; "
        "milliseconds, median / p99; (extrapolated).",
        targets_table(results), latency_table(results), growth_table(results),
        ratio_table(results), http_table(results), loading_table(results),
    ])  # fmt: skip
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    doc.write_text(f"{head}{START}\n{body}\n{END}{tail}")
