"""Neo4j as a first-class backend: graduating from SQLite, and surviving a Neo4j outage."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from directory import create_app
from directory.store import open_store
from directory.store.base import link_id
from tests import factories as f
from tests.neo4j_server import wipe as wipe_neo4j

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def neo4j_config(neo4j_uri):
    config = {
        "STORE": "neo4j",
        "NEO4J_URI": neo4j_uri,
        "NEO4J_DATABASE": "neo4j",
        "DB_TIMEOUT": 2.0,
    }
    wipe_neo4j(config)
    return config


def test_copy_seed_directory_to_neo4j_gives_identical_exports(neo4j_config, tmp_path):
    sqlite_app = create_app(
        {
            "DATABASE": str(tmp_path / "njia.sqlite3"),
            **{k: v for k, v in neo4j_config.items() if k != "STORE"},
        }
    )
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["seed", "--only", "demo"]).exit_code == 0
    copied = runner.invoke(args=["copy-to-neo4j"])
    assert copied.exit_code == 0, copied.output
    assert "Copied 35 listings" in copied.output and "verified" in copied.output
    again = runner.invoke(args=["copy-to-neo4j"])
    assert again.exit_code != 0 and "not empty" in again.output

    from_sqlite, from_neo4j = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    runner.invoke(args=["export", str(from_sqlite)])
    neo4j_app = create_app(neo4j_config)
    try:
        exported = neo4j_app.test_cli_runner().invoke(args=["export", str(from_neo4j)])
    finally:
        neo4j_app.extensions["njia_store"].close()
    assert exported.exit_code == 0
    assert from_neo4j.read_text() == from_sqlite.read_text()


def test_links_written_before_link_ids_get_theirs_at_start(neo4j_config):
    """A graph written by an older Njia: init_schema gives every AT link its id."""
    store = open_store(neo4j_config)
    store.init_schema()
    org = store.create("organization", f.organization(), "test")
    loc = store.create("location", f.location(org["id"]), "test")
    svc = store.create("service", f.service(org["id"], [loc["id"]]), "test")
    store._run(True, lambda tx: tx.run("MATCH ()-[r:AT]->() REMOVE r.link_id").consume())
    store._run(True, lambda tx: tx.run("MATCH (m:NjiaMeta) SET m.value = 1").consume())
    assert store.find_link(link_id(svc["id"], loc["id"])) is None
    store.init_schema()
    assert store.find_link(link_id(svc["id"], loc["id"])) == (svc["id"], loc["id"])
    store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(
    url: str, timeout: float = 10.0, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], float]:
    started = time.monotonic()
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), time.monotonic() - started
    except OSError:  # refused or timed out: no answer at all
        return 0, {}, time.monotonic() - started


def _wait_until(predicate, seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(f"not true within {seconds} s")


def test_neo4j_outage_gives_503_then_recovers_under_gunicorn(neo4j_server, neo4j_config, tmp_path):
    port = _free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "NJIA_STORE": "neo4j",
        "NJIA_NEO4J_URI": neo4j_server.uri,
        "NJIA_DB_TIMEOUT": "2.0",
    }
    log_file = log_path.open("wb")  # a file, not a pipe: a full pipe would block gunicorn
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--timeout",
            "20",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: _get(base + "/livez", 1)[0] == 200 if _port_open(port) else False, 30)
        for path in ("/readyz", "/api/v1/services"):
            assert _get(base + path)[0] == 200
        neo4j_server.stop()
        try:
            for _ in range(2):
                for path in ("/readyz", "/api/v1/services", "/api/v1/organizations?q=x"):
                    status, headers, seconds = _get(base + path)
                    assert status == 503, path
                    assert headers["Retry-After"].isdigit()
                    assert seconds < 4, f"{path} took {seconds:.1f} s"
            assert _get(base + "/livez")[0] == 200
            # A browser's session cannot be read: 503 too, not 500 (issue 17, item 4).
            session = {"Cookie": "njia_session=" + "x" * 43, "Accept": "text/html"}
            for path in ("/api/v1/auth/me", "/workspace"):
                status, headers, _ = _get(base + path, headers=session)
                assert status == 503 and headers["Retry-After"].isdigit(), path
        finally:
            neo4j_server.start()
        recovered = _wait_until(lambda: _get(base + "/api/v1/services")[0] == 200, 30)
        assert recovered < 30
        assert _get(base + "/readyz")[0] == 200
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        log_file.close()
    log = log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-2000:]


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
