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
    ("njia_sqlite_1", "Njia match, SQLite, 1 need"),
    ("njia_sqlite_3", "Njia match, SQLite, 3 needs + care plan"),
    ("njia_neo4j_1", "Njia match, Neo4j, 1 need"),
    ("njia_neo4j_3", "Njia match, Neo4j, 3 needs + care plan"),
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
    for njia in ("njia_sqlite_1", "njia_neo4j_1"):
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
    return "\n".join(lines)


def _median(results: dict[str, Any], size: int, key: str) -> float | None:
    entry = results["sizes"].get(str(size), {}).get(key)
    return entry["median"] if entry and not entry.get("extrapolated") else None


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """Each target of the issue: what it asks, what was measured, whether it was met."""
    m = lambda size, key: _median(results, size, key)  # noqa: E731
    rows: list[tuple[str, str, bool | None]] = []

    def ratio(label: str, a: float | None, b: float | None, limit: float, unit: str = "×") -> None:
        if a is None or b is None:
            rows.append((label, "not measured", None))
        else:
            rows.append((label, f"{a:.2f} / {b:.2f} ms = {a / b:.1f}{unit}", a / b <= limit))

    def below(label: str, a: float | None, limit: float) -> None:
        if a is None:
            rows.append((label, "not measured", None))
        else:
            rows.append((label, f"{a:.2f} ms", a < limit))

    ratio(
        "SQLite, 1 need, 100k: within 10× of the k-d tree",
        m(100_000, "njia_sqlite_1"),
        m(100_000, "kdtree"),
        10,
    )
    ratio(
        "SQLite, 1 need, 100k: no slower than PostGIS KNN + need filter",
        m(100_000, "njia_sqlite_1"),
        m(100_000, "postgis"),
        1,
    )
    below("SQLite, 1 need, 1M: median under 5 ms", m(1_000_000, "njia_sqlite_1"), 5)
    below("Neo4j, 1 need, 100k: median under 10 ms", m(100_000, "njia_neo4j_1"), 10)
    http = results.get("http") or {}
    failed = http.get("match", {}).get("non_2xx", 0)
    if failed > 0.01 * (http.get("match", {}).get("requests") or 1):
        rows.append(("HTTP endpoint targets", f"invalid run: {failed} answers not 2xx", None))
    elif "match" in http:
        share = http["match_over_ceiling"]
        rows.append(
            (
                "HTTP: at least 50 % of the trivial endpoint's requests/s",
                f"{share:.0%}",
                share >= 0.5,
            )
        )
        rows.append(
            (
                "HTTP: p99 under 100 ms at 32 connections",
                f"{http['match']['p99_ms']} ms",
                http["match"]["p99_ms"] < 100,
            )
        )
    else:
        rows.append(("HTTP endpoint targets", "not measured", None))
    ratio(
        "Growth 10k → 1M, SQLite, 1 need: at most 3× slower",
        m(1_000_000, "njia_sqlite_1"),
        m(10_000, "njia_sqlite_1"),
        3,
    )
    for scenario, label in (("1 need", "1 need (issue 5)"), ("3 needs + care plan", None)):
        turns = (results.get("growth") or {}).get(scenario)
        label = label or f"{scenario} (the same rule)"
        key = "njia_sqlite_1" if scenario == "1 need" else "njia_sqlite_3"
        big, small = (
            (turns["100000"]["median"], turns["1000"]["median"]) if turns
            else (m(100_000, key), m(1000, key))
        )  # fmt: skip
        how = ", sizes taking turns" if turns else ""
        ratio(f"Growth 1k → 100k, SQLite, {label}{how}: within 3×", big, small, 3)
    return rows  # fmt: skip


def _both(entry: dict[str, Any]) -> str:
    return f"{_cell(entry)} / {_cell(entry, 'p99')}"


def growth_table(results: dict[str, Any]) -> str:
    """The interleaved growth measurement, if it was made."""
    growth = results.get("growth")
    if not growth:
        return "Growth with the sizes taking turns: not measured."
    lines = ["| growth, sizes taking turns | 1k | 100k | ratio of medians |", "|---|---|---|---|"]
    for scenario, entry in growth.items():
        lines.append(f"| {scenario} | {_both(entry['1000'])} | {_both(entry['100000'])} "
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
