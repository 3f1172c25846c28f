"""A throwaway PostgreSQL + PostGIS cluster on 127.0.0.1 for the KNN baseline.

Uses Debian's ``postgresql`` and ``postgresql-15-postgis-3`` packages (``apt-get install -y
postgresql postgis``). The cluster lives in ``benchmarks/.cache/pg`` (``initdb --auth=trust``,
run as the ``postgres`` user when started as root), listens only on 127.0.0.1 at a free port
and is stopped at the end of the run. One table per directory size holds one row per
(location, need) with a ``geography(Point)`` column and a GiST index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.baselines import K
from benchmarks.loaders import CACHE

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DATA = CACHE / "pg"
KNN_SQL = (
    "SELECT 1 FROM svc_{size} WHERE need = %s "  # noqa: S608 - the table name is an int's
    "ORDER BY geog <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography LIMIT " + str(K)
)


def unavailable_reason() -> str | None:
    """None when PostGIS can run here, else why not."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install '.[bench]')"
    if not (PG_BIN / "initdb").exists():
        return "PostgreSQL 15 is not installed (apt-get install -y postgresql postgis)"
    if not Path("/usr/share/postgresql/15/extension/postgis.control").exists():
        return "PostGIS is not installed (apt-get install -y postgresql-15-postgis-3)"
    return None


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(cmd)]


class PostGIS:
    """Start a cluster, load tables, answer KNN queries, stop."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: Any = None

    def start(self) -> None:
        """initdb if needed, then start the server on 127.0.0.1:port and connect."""
        import psycopg

        if not (DATA / "PG_VERSION").exists():
            shutil.rmtree(DATA, ignore_errors=True)
            DATA.mkdir(parents=True)
            if os.geteuid() == 0:
                shutil.chown(DATA, "postgres", "postgres")
            self._run([str(PG_BIN / "initdb"), "-D", str(DATA), "--auth=trust", "-U", "postgres"])
        opts = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {DATA} -c shared_buffers=256MB"
        cmd = [str(PG_BIN / "pg_ctl"), "-D", str(DATA), "-w", "-l", str(DATA / "log.txt")]
        self._run([*cmd, "-o", f"'{opts}'", "start"])
        self.conn = psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )
        self.conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    def stop(self) -> None:
        """Close the connection and stop the server (fast shutdown)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        cmd = [str(PG_BIN / "pg_ctl"), "-D", str(DATA), "-m", "fast", "-w", "stop"]
        subprocess.run(_as_postgres(cmd), capture_output=True, check=False)  # noqa: S603

    @staticmethod
    def _run(cmd: list[str]) -> None:
        subprocess.run(_as_postgres(cmd), capture_output=True, check=True, cwd="/")  # noqa: S603

    def load(self, size: int, by_need: dict[str, np.ndarray], tag: str) -> float:
        """Create and fill ``svc_<size>`` unless already loaded with ``tag``; seconds taken."""
        import time

        c = self.conn
        c.execute("CREATE TABLE IF NOT EXISTS bench_meta (name text PRIMARY KEY, tag text)")
        row = c.execute("SELECT tag FROM bench_meta WHERE name = %s", (f"svc_{size}",)).fetchone()
        if row and row[0] == tag:
            return 0.0
        started = time.perf_counter()
        c.execute(f"DROP TABLE IF EXISTS svc_{size}")
        c.execute(f"CREATE TABLE svc_{size} (need text NOT NULL, lat float8, lon float8)")
        with c.cursor().copy(f"COPY svc_{size} (need, lat, lon) FROM STDIN") as copy:
            for need, latlon in by_need.items():
                for lat, lon in latlon.tolist():
                    copy.write_row((need, lat, lon))
        c.execute(
            f"ALTER TABLE svc_{size} ADD COLUMN geog geography(Point, 4326) "
            f"GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED"
        )
        c.execute(f"CREATE INDEX ON svc_{size} USING gist (geog)")
        c.execute(f"ANALYZE svc_{size}")
        c.execute(
            "INSERT INTO bench_meta VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET tag = %s",
            (f"svc_{size}", tag, tag),
        )
        return time.perf_counter() - started

    def knn(self, size: int, need: str) -> Any:
        """A function answering the ``K`` nearest locations meeting ``need`` to a point."""
        sql = KNN_SQL.format(size=int(size))
        cur = self.conn.cursor()

        def query(q: tuple[float, float]) -> list[Any]:
            return cur.execute(sql, (need, q[1], q[0]), prepare=True).fetchall()

        return query
