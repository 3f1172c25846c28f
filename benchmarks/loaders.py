"""Build the benchmark directories in SQLite and Neo4j, cached under ``benchmarks/.cache/``.

SQLite files are written through the store's own write helper (``sqlite_rows.write``: the document
row, index rows, R*Tree entry and full-text entry, exactly as ``import_all`` writes them) in
transactions of :data:`CHUNK` listings. What this skips is ``import_all``'s closing reference
check, which re-reads every document in the database and so would make chunked loading
quadratic; the generator's references are correct by construction and a sample of its documents
is validated against the stored schema (:func:`benchmarks.datagen.check_sample`). The real
``import_all`` is timed separately (:func:`import_throughput`).

Neo4j is loaded with the store's real ``import_all`` in batches (each all-or-nothing).
"""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from benchmarks.datagen import Doc, Generator, check_sample
from directory.store import sqlite_rows
from directory.store.sqlite import SqliteStore

CACHE = Path(__file__).resolve().parent / ".cache"
CHUNK = 20_000
FORMAT = 4
"""Bumped whenever the generator changes, so stale cached databases are rebuilt."""


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def sqlite_path(size: int, seed: int) -> Path:
    """Where the cached SQLite directory of ``size`` service locations lives."""
    return CACHE / f"njia-{size}-s{seed}-v{FORMAT}.sqlite3"


def build_sqlite(size: int, seed: int, log: Any = print) -> dict[str, Any]:
    """The cached SQLite file for ``size`` (built if missing) and how long building took."""
    path = sqlite_path(size, seed)
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return {**json.loads(meta_path.read_text()), "cached": True}
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for stale in CACHE.glob(tmp.name + "*"):
        stale.unlink()
    log(f"  generating and loading {size:,} service locations into SQLite ...")
    started = time.perf_counter()
    store = SqliteStore(tmp)
    store.init_schema()
    count, checked, gen_s = 0, 0, 0.0
    listings = Generator(size, seed).listings()
    while True:
        t0 = time.perf_counter()
        batch = list(itertools.islice(listings, CHUNK))
        gen_s += time.perf_counter() - t0
        if not batch:
            break
        checked += check_sample(batch, every=499)
        with store._tx(write=True) as conn:
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for kind, doc in batch:
                sqlite_rows.write(conn, kind, doc, insert=True)
        count += len(batch)
    store.close()
    total = time.perf_counter() - started
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file (the store sets WAL)
    conn.close()
    tmp.rename(path)
    meta = {
        "size": size, "listings": count, "validated_sample": checked,
        "generate_s": round(gen_s, 2), "load_s": round(total - gen_s, 2),
        "listings_per_s": round(count / (total - gen_s)),
        "file_mb": round(path.stat().st_size / 2**20, 1),
    }  # fmt: skip
    meta_path.write_text(json.dumps(meta))
    return {**meta, "cached": False}


def import_throughput(size: int, seed: int) -> dict[str, Any]:
    """Time the store's real ``import_all`` (one transaction) into a fresh SQLite file."""
    listings = list(Generator(size, seed).listings())
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "import.sqlite3")
        store.init_schema()
        started = time.perf_counter()
        count = store.import_all(listings)
        elapsed = time.perf_counter() - started
        store.close()
    rate = round(count / elapsed)
    return {"listings": count, "seconds": round(elapsed, 2), "listings_per_s": rate}


# -- Neo4j ---------------------------------------------------------------------------------


def neo4j_home(size: int, seed: int) -> Path:
    """The cached Neo4j DBMS folder holding the directory of ``size``."""
    return CACHE / f"neo4j-{size}-s{seed}-v{FORMAT}"


def _wipe(store: Any) -> None:
    """Empty the benchmark's Neo4j database (Community Edition has one user database)."""
    import neo4j

    driver = neo4j.GraphDatabase.driver(store.uri, auth=store._auth)
    with driver, driver.session(database=store.database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")


def load_neo4j(store: Any, size: int, seed: int, batch: int = 5000, log: Any = print) -> dict:
    """Load the directory into an empty Neo4j through ``import_all`` batches; timings."""
    marker = neo4j_home(size, seed) / "loaded.json"
    if marker.exists():
        return {**json.loads(marker.read_text()), "cached": True}
    _wipe(store)
    store.init_schema()
    log(f"  loading {size:,} service locations into Neo4j in batches of {batch:,} ...")
    started = time.perf_counter()
    count = 0
    listings: Iterator[tuple[str, Doc]] = Generator(size, seed).listings()
    for group in _batches(listings, batch):
        count += store.import_all(group)
    elapsed = time.perf_counter() - started
    meta = {"size": size, "listings": count, "load_s": round(elapsed, 1),
            "listings_per_s": round(count / elapsed)}  # fmt: skip
    marker.write_text(json.dumps(meta))
    return {**meta, "cached": False}


def clear_cache() -> None:
    """Remove every cached database."""
    shutil.rmtree(CACHE, ignore_errors=True)
