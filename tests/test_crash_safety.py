"""No lost writes: 50 cycles of write load, each ended by ``kill -9`` of gunicorn and its workers.
After every crash the database passes ``PRAGMA integrity_check`` and holds every write that
was acknowledged (201) before the kill."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from directory.core.rights import issue_token
from directory.store.sqlite import SqliteStore
from tests.servers import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
CYCLES = int(os.environ.get("NJIA_CRASH_CYCLES", "50"))


@pytest.fixture
def backend():
    return "sqlite"


def _post(url: str, token: str, name: str) -> str | None:
    body = json.dumps({"name": name}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())["id"] if response.status == 201 else None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException):
        return None  # not acknowledged: the answer never arrived whole


@pytest.mark.slow
def test_kill_9_under_write_load_loses_no_acknowledged_write(tmp_path):
    database = tmp_path / "njia.sqlite3"
    store = SqliteStore(database)
    store.init_schema()
    token = issue_token(store, "admin", "crash test")
    store.close()
    env = {**os.environ, "NJIA_DATABASE": str(database), "NJIA_SECRET_KEY": "x"}
    acknowledged: list[str] = []
    for cycle in range(CYCLES):
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/livez")
            url = f"http://127.0.0.1:{port}/api/v1/organizations"
            stop = threading.Event()

            def write(worker: int) -> None:
                i = 0
                while not stop.is_set():
                    created = _post(url, token, f"c{cycle}-w{worker}-{i}")
                    if created:
                        acknowledged.append(created)
                    i += 1

            writers = [threading.Thread(target=write, args=(w,)) for w in range(4)]
            for writer in writers:
                writer.start()
            time.sleep(0.3 + (cycle % 5) * 0.1)
            os.killpg(server.pid, signal.SIGKILL)
            stop.set()
            for writer in writers:
                writer.join()
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        connection = sqlite3.connect(database)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok", cycle
        finally:
            connection.close()
    assert len(acknowledged) > CYCLES
    survivor = SqliteStore(database)
    missing = [i for i in acknowledged if survivor.get("organization", i) is None]
    survivor.close()
    assert missing == []
