"""Njia's match on a real Neo4j 5.26 Community server, started from the Maven jars of the tests.

The server is the test suite's (``tests/neo4j_server.py``) with production-like settings instead
of the test ones: a 1 GB heap, the full JIT (the tests limit it to C1 to start faster) and a
512 MB page cache (a copy of ``tools/neo4j/Launcher.java`` with that one setting changed, written
to the cache folder). One DBMS folder per directory size is kept in ``benchmarks/.cache/`` so
the load happens once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks import inprocess, loaders
from directory.search.index import MatchIndex

PAGE_CACHE = "512L * 1024 * 1024"


def unavailable_reason() -> str | None:
    """None when a Neo4j server can be started here, else why not."""
    from tests import neo4j_server

    return neo4j_server.unavailable_reason()


def _bench_launcher() -> str:
    from tests import neo4j_server

    source = (neo4j_server.TOOL_DIR / "Launcher.java").read_text()
    changed = source.replace("64L * 1024 * 1024", PAGE_CACHE)
    if changed == source:
        raise RuntimeError("could not set the page cache in Launcher.java")
    path = loaders.CACHE / "BenchLauncher.java"
    path.write_text(changed)
    return str(path)


def run(
    size: int, seed: int, points: list[tuple[float, float]], passes: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """Start the server for ``size``, load it if needed, time both scenarios, stop it."""
    from directory.store.neo4j import Neo4jStore
    from tests import neo4j_server

    neo4j_server.ensure_jars()
    neo4j_server.LAUNCHER = type(neo4j_server.LAUNCHER)(_bench_launcher())
    neo4j_server.JVM_FLAGS = [f for f in neo4j_server.JVM_FLAGS if f.startswith("--add-opens")]
    neo4j_server.JVM_FLAGS += ["-Xms1g", "-Xmx1g"]
    server = neo4j_server.Neo4jServer(loaders.neo4j_home(size, seed))
    out: dict[str, Any] = {}
    try:
        uri = server.start(timeout=300)
        store = Neo4jStore(uri, timeout=30.0)
        out["neo4j_load"] = loaders.load_neo4j(store, size, seed, log=log)
        log(f"  Neo4j {size:,}: loaded {out['neo4j_load']}")
        for scenario in inprocess.SCENARIOS:  # warm the JIT and the page cache first
            inprocess.time_calls(
                lambda b: inprocess.match_once(store, b),
                [inprocess.body_for(scenario, p) for p in points],
                1,
            )
        for scenario, entry in inprocess.bench_store(store, points, passes).items():
            out["njia_neo4j_1" if scenario == "1 need" else "njia_neo4j_3"] = entry
        log(f"  Neo4j {size:,}: 1 need {out['njia_neo4j_1']['median']} ms, "
            f"3 needs {out['njia_neo4j_3']['median']} ms")  # fmt: skip
        index = MatchIndex(store, min_services=0)
        index.build()
        out["neo4j_index_exactness"] = inprocess.check_exact(store, points[:10], index)
        for scenario, entry in inprocess.bench_store(store, points, passes, index).items():
            out["njia_neo4j_index_1" if scenario == "1 need" else "njia_neo4j_index_3"] = entry
        log(f"  Neo4j {size:,} with the match index: {out['neo4j_index_exactness']}, 1 need "
            f"{out['njia_neo4j_index_1']['median']} ms, 3 needs "
            f"{out['njia_neo4j_index_3']['median']} ms")  # fmt: skip
        store.close()
    finally:
        server.stop()
    return out
