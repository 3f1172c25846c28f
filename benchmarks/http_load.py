"""The HTTP endpoint under gunicorn, driven by wrk at 32 connections on 127.0.0.1.

gunicorn serves ``wsgi:app`` with 2 sync workers on a free loopback port, on the cached SQLite
directory. wrk runs for a bounded time against ``POST /api/v1/match`` (a Lua script cycles
through request bodies at points near towns, one need) and against ``GET /livez`` (a trivial
JSON answer of the same app: the ceiling). Requests/s and the latency percentiles come from
wrk's own summary (``--latency``); the worker's memory is its RSS after the runs. The anonymous
search rate limit is raised for the run (wrk is a single client address).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.inprocess import body_for

REPO = Path(__file__).resolve().parent.parent
LUA = """
bodies = {%s}
counter = 0
request = function()
  counter = counter + 1
  local body = bodies[(counter %% #bodies) + 1]
  return wrk.format("POST", "/api/v1/match", {["Content-Type"] = "application/json"}, body)
end
"""
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def unavailable_reason() -> str | None:
    """None when wrk is installed, else why not."""
    return None if shutil.which("wrk") else "wrk is not installed (apt-get install -y wrk)"


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return round(float(value) * UNITS[unit], 2)


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests/s, p50/p99 (ms) and errors from wrk's ``--latency`` summary."""
    result: dict[str, Any] = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])}  # type: ignore[index]
    for pct in ("50", "99"):
        found = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", output, re.M)
        result[f"p{pct}_ms"] = _ms(found[1]) if found else None
    total = re.search(r"(\d+) requests in", output)
    result["requests"] = int(total[1]) if total else None
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    result["non_2xx"] = int(non2xx[1]) if non2xx else 0
    result["socket_errors"] = errors[1].strip() if errors else ""
    return result


def _wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout}s")


def _wait_for_index(base: str, points: list[tuple[float, float]], timeout: float = 600) -> float:
    """Seconds until every worker matches through its match index (``/readyz`` says
    ``ready`` 20 times in a row, each on a new connection), sending matches meanwhile so each
    worker starts its build; at once for a directory too small for the index."""
    started = time.monotonic()
    body = json.dumps(body_for("1 need", points[0])).encode()
    states: list[str] = []
    while len(states) < 20 or len(set(states[-20:])) > 1 or states[-1] == "building":
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"the match index was not ready within {timeout:.0f} s")
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(  # noqa: S310 - our own server
            base + "/api/v1/match", data=body, method="POST", headers=headers
        )
        urllib.request.urlopen(request, timeout=30).read()  # noqa: S310 - our own server
        with urllib.request.urlopen(base + "/readyz", timeout=30) as answer:  # noqa: S310
            states.append(json.loads(answer.read())["match_index"])
        if states[-1] == "building":
            time.sleep(0.5)
    return round(time.monotonic() - started, 1)


def _worker_rss_mb(master_pid: int) -> list[float]:
    import psutil

    return [round(w.memory_info().rss / 2**20, 1) for w in psutil.Process(master_pid).children()]


def run(
    database: Path, points: list[tuple[float, float]], port: int, seconds: int, connections: int
) -> dict[str, Any]:
    """Serve ``database`` with gunicorn and measure the match and the trivial endpoint."""
    env = {**os.environ, "NJIA_STORE": "sqlite", "NJIA_DATABASE": str(database)}
    env["NJIA_LOG_LEVEL"] = "WARNING"
    # One load generator is one client address: the anonymous search limit (60 a minute) would
    # answer 429. Raise it so the limiter still runs but never refuses.
    env["NJIA_SEARCH_RATE_LIMIT"] = "100000000 per minute"
    cmd = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync"]
    cmd += ["--bind", f"127.0.0.1:{port}", "--backlog", "256", "wsgi:app"]
    server = subprocess.Popen(  # noqa: S603 - our own command line
        cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {"connections": connections, "seconds": seconds}
    try:
        _wait_ready(base + "/livez")
        bodies = ",".join(json.dumps(json.dumps(body_for("1 need", p))) for p in points)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA % bodies)
        wrk = ["wrk", "-t2", f"-c{connections}", "--latency", "--timeout", "5s"]
        warm = [*wrk, "-d3s", "-s", script.name, base]
        subprocess.run(warm, capture_output=True, check=True)  # noqa: S603
        results["index_wait_s"] = _wait_for_index(base, points)
        for name, extra in (("match", ["-s", script.name]), ("livez", [])):
            url = base + ("/livez" if name == "livez" else "")
            out = subprocess.run(  # noqa: S603 - our own command line
                [*wrk, f"-d{seconds}s", *extra, url], capture_output=True, text=True, check=True
            ).stdout
            results[name] = parse_wrk(out)
        results["worker_rss_mb"] = _worker_rss_mb(server.pid)
        os.unlink(script.name)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    match, livez = results.get("match"), results.get("livez")
    if match and livez:
        results["match_over_ceiling"] = round(match["rps"] / livez["rps"], 3)
    return results
