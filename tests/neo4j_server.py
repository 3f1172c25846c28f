"""Run a real Neo4j 5.26 Community server for the tests, without Docker.

The jars come from Maven Central through ``tools/neo4j/pom.xml`` (copied into
``tools/neo4j/lib``) and ``tools/neo4j/Launcher.java`` starts an embedded DBMS with only the
Bolt connector, on 127.0.0.1, auth disabled. Needs ``java`` (17+) and ``mvn`` on PATH.

Typical use::

    ensure_jars()
    with Neo4jServer(tmp_path / "neo4j") as server:
        driver = neo4j.GraphDatabase.driver(server.uri, auth=None)
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, NoReturn

REPO_ROOT = Path(__file__).resolve().parent.parent
TOOL_DIR = REPO_ROOT / "tools" / "neo4j"
LIB_DIR = TOOL_DIR / "lib"
POM = TOOL_DIR / "pom.xml"
LAUNCHER = TOOL_DIR / "Launcher.java"

# The --add-opens are required by Neo4j 5 on Java 17. C1-only JIT and the serial GC start faster
# and run a test suite's many small queries faster than the defaults on a 2-core machine.
JVM_FLAGS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Xms128m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
]
READY_PREFIX = "NEO4J_BOLT_URI="


def unavailable_reason() -> str | None:
    """Return None when a server can be run here, else why not (for ``pytest.skip``).

    Only checks that ``java`` and ``mvn`` are on PATH; it does not download anything.
    """
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        return f"Neo4j test server needs {' and '.join(missing)} on PATH"
    return None


def neo4j_version() -> str:
    """The Neo4j version pinned in ``tools/neo4j/pom.xml``."""
    match = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", POM.read_text())
    if match is None:
        raise RuntimeError(f"no <neo4j.version> in {POM}")
    return match.group(1).strip()


def ensure_jars(timeout: float = 900) -> None:
    """Make sure ``tools/neo4j/lib`` holds the jars of the pinned Neo4j version.

    Idempotent: a completed copy leaves a marker file and later calls return at once. Otherwise
    (first run, or the pom's version changed) the lib folder is emptied and Maven copies the
    dependencies again. Safe to call from several processes at once (file lock).
    Raises RuntimeError, with the tail of Maven's output, when Maven fails or times out.
    """
    marker = LIB_DIR / f".complete-{neo4j_version()}"
    if marker.exists():
        return
    (TOOL_DIR / "target").mkdir(exist_ok=True)
    with open(TOOL_DIR / "target" / "ensure_jars.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():  # another process finished while we waited
            return
        shutil.rmtree(LIB_DIR, ignore_errors=True)
        cmd = ["mvn", "-q", "-B", "-Dstyle.color=never", "-f", str(POM)]
        cmd.append("dependency:copy-dependencies")
        try:
            proc = subprocess.run(
                cmd,
                cwd=TOOL_DIR,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            tail = _tail(exc.output or "")
            raise RuntimeError(f"Maven timed out after {timeout}s:\n{tail}") from exc
        if proc.returncode != 0:
            raise RuntimeError(f"Maven failed ({proc.returncode}):\n{_tail(proc.stdout)}")
        if not (LIB_DIR / f"neo4j-{neo4j_version()}.jar").exists():
            raise RuntimeError(f"Maven succeeded but no neo4j jar in {LIB_DIR}")
        marker.touch()


def _tail(text: str | bytes, lines: int = 40) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_live: set[Neo4jServer] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_live):
        server.stop()


class Neo4jServer:
    """One Neo4j DBMS process serving Bolt on 127.0.0.1:``port``, data kept in ``home``.

    The port is chosen once (free port if None) and kept across restarts, so a test can stop
    or kill the server and start it again at the same URI with the same data. The JVM runs in
    its own process group (Ctrl-C in pytest reaches only Python, which then stops it) and exits
    by itself when this Python process goes away, even on SIGKILL (its stdin pipe closes).
    Call ``ensure_jars()`` before ``start()``.
    """

    def __init__(self, home: Path, port: int | None = None) -> None:
        self.home = Path(home).resolve()
        self.port = port if port is not None else free_port()
        self.log_path = self.home / "launcher.log"
        self._proc: subprocess.Popen[str] | None = None

    @property
    def uri(self) -> str:
        """The Bolt URI, valid whether or not the server is running."""
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        """True while the JVM process is alive (it may still be starting)."""
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 180) -> str:
        """Start the server and return its URI once the default database is available.

        A no-op returning the URI when already running. Raises RuntimeError (with the tail of
        the launcher's stderr) if the JVM exits or is not ready within ``timeout`` seconds; the
        process is killed in that case.
        """
        if self.running:
            return self.uri
        self.home.mkdir(parents=True, exist_ok=True)
        cmd = ["java", *JVM_FLAGS, "-cp", str(LIB_DIR / "*"), str(LAUNCHER)]
        cmd += [str(self.home), str(self.port), "--exit-on-stdin-eof"]
        with open(self.log_path, "a") as log:
            self._proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                start_new_session=True,
            )
        _live.add(self)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_pump, args=(self._proc.stdout, lines), daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if self._proc.poll() is not None:
                    self._fail(f"Neo4j exited with code {self._proc.returncode}")
                continue
            if line.startswith(READY_PREFIX):
                return line[len(READY_PREFIX) :].strip()
        self._fail(f"Neo4j not ready after {timeout}s")

    def stop(self, timeout: float = 60) -> None:
        """Stop cleanly (SIGTERM, the store is flushed); SIGKILL if not gone within ``timeout``."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._reap()

    def kill(self) -> None:
        """Kill the JVM at once (SIGKILL), as in a crash; the next start recovers the store."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        self._reap()

    def _reap(self) -> None:
        if self._proc is not None and self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        _live.discard(self)

    def _fail(self, message: str) -> NoReturn:
        self.kill()
        tail = _tail(self.log_path.read_text(errors="replace")) if self.log_path.exists() else ""
        raise RuntimeError(f"{message}; {self.log_path} ends with:\n{tail}")

    def __enter__(self) -> Neo4jServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    """Forward the launcher's stdout lines to ``lines`` until EOF (keeps the pipe drained)."""
    with stream, contextlib.suppress(ValueError, OSError):
        for line in stream:
            lines.put(line)


WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def wipe(config: dict[str, object]) -> None:
    """Delete every node of the configured database: Community Edition has one user database,
    so each test starts from an empty one. Test-only; the production store has no such call."""
    import neo4j

    auth = (config["NEO4J_USER"], config["NEO4J_PASSWORD"]) if config.get("NEO4J_USER") else None
    driver = neo4j.GraphDatabase.driver(str(config["NEO4J_URI"]), auth=auth)
    with driver, driver.session(database=str(config.get("NEO4J_DATABASE", "neo4j"))) as session:
        session.run(WIPE).consume()
