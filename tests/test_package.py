"""Njia installs as a package: a wheel built from the project, installed into a fresh
virtualenv and run outside the checkout, gives a working ``njia`` command and a servable
``directory:create_app()`` — templates, static files, compiled translations and seed data
included (issue 20: before, only an editable checkout worked).

Building and installing needs PyPI (or pip's cache) for the build requirements and the
dependencies; without it the test is skipped with the reason, unless ``CI`` is set.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import Browser, free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        text = done.stdout[-3000:] + done.stderr[-3000:]
        unreachable = "Could not find a version" in text or "NewConnectionError" in text
        if unreachable and not os.environ.get("CI"):
            pytest.skip(f"PyPI unreachable, cannot build or install: {text[-300:]}")
        raise AssertionError(f"{command[:4]} failed:\n{text}")
    return done.stdout


def test_a_wheel_installed_outside_the_checkout_serves_and_runs_its_commands(tmp_path):
    dist, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
         tmp_path)  # fmt: skip
    wheel = next(dist.glob("njia-*.whl"))
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], tmp_path)
    env = {
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "NJIA_DATABASE": str(work / "njia.sqlite3"),
        "NJIA_SECRET_KEY": "package-test-secret-key",
        "NJIA_SESSION_COOKIE_SECURE": "false",
    }
    where = "import directory; print(directory.__file__)"
    found = _run([str(venv / "bin" / "python"), "-c", where], work, env)
    assert str(venv) in found and str(ROOT) not in found  # the installed copy, not the checkout
    assert "init-db" in _run([str(venv / "bin" / "njia"), "--help"], work, env)
    _run([str(venv / "bin" / "njia"), "init-db"], work, env)
    seeded = _run([str(venv / "bin" / "njia"), "seed"], work, env)
    assert seeded.strip()
    port = free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}",
         "directory:create_app()"],
        cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/livez")
        browser = Browser(base)
        assert browser.request("GET", "/readyz").status == 200
        assert "Chercher de l'aide" in browser.request("GET", "/").text
        assert "Search for help" in browser.request("GET", "/?lang=en").text  # compiled .mo
        body = {"location": {"lat": -1.67, "lon": 29.22}, "needs": ["medical"]}
        match = browser.request("POST", "/api/v1/match", json_body=body)
        assert match.status == 200 and match.json()["needs"][0]["results"]
        assert browser.request("GET", "/api/v1/places?q=ndosho").json()["resolved"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
