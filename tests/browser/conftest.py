"""Real headless Chromium (Debian's ``chromium``, driven by Playwright) against a real server.

The app runs on 127.0.0.1 (a werkzeug server thread) over a temporary SQLite file holding the
demo listings. Every browser context blocks and records any request that is not to that
server: the tests assert there were none. Quick exit leaves for another origin on purpose;
that one navigation is answered locally (nothing is fetched from the internet) and recorded
apart. Screenshots go to ``test-artifacts/``.

Without Chromium or Playwright the tests are skipped with the reason printed, unless
``NJIA_REQUIRE_BROWSER=1`` (CI sets it) makes that a failure. No browser is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from directory.config import QUICK_EXIT_URL
from tests.browser.chromium import shared_browser
from tests.pages.helpers import compile_catalogues, demo_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NEUTRAL_PAGE = "<!doctype html><title>Météo</title><p>Météo</p>"


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if shutil.which("chromium") is None:
        return "Debian's chromium is not installed (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    reason = _unavailable()
    if reason:
        if os.environ.get("NJIA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"NJIA_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    return str(shutil.which("chromium"))


class QuietHandler(WSGIRequestHandler):
    """No access log (a search leaves no trace) and no version in the ``Server`` header."""

    server_version = "Njia"
    sys_version = ""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its URL; closes its store."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        app.extensions["njia_store"].close()


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo app served on a free loopback port for the whole session."""
    compile_catalogues()
    with serve(demo_app(tmp_path_factory.mktemp("browser") / "njia.sqlite3")) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """The session's Chromium, shared with the other browser tests (see ``chromium.py``)."""
    with shared_browser(chromium_path) as launched:
        yield launched


@dataclass
class Traffic:
    """What a browser context asked for beyond the Njia server, and the cookies it was sent."""

    offsite: list[str] = field(default_factory=list)
    exits: list[str] = field(default_factory=list)
    set_cookies: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser: Any, server_url: str) -> Iterator[Any]:
    """``open_page(**context_options)``: a page in a new context that blocks other origins.

    At teardown: no request went to another origin and no cookie was set or stored.
    """
    contexts: list[tuple[Any, Traffic]] = []

    def make(**options: Any) -> Any:
        options.setdefault("viewport", {"width": 320, "height": 720})
        options.setdefault("locale", "fr-FR")
        context = browser.new_context(base_url=server_url, **options)
        traffic = Traffic()
        context.route("**/*", lambda route: _guard(route, server_url, traffic))
        context.on("response", lambda r: _record_cookies(r, traffic))
        contexts.append((context, traffic))
        page = context.new_page()
        page.traffic = traffic
        return page

    yield make
    for context, traffic in contexts:
        cookies = context.cookies()
        context.close()
        assert traffic.offsite == [], "requests to another origin"
        assert traffic.set_cookies == [] and cookies == [], "a cookie was set"


def _guard(route: Any, server_url: str, traffic: Traffic) -> None:
    url = route.request.url
    if url.startswith(server_url + "/"):
        route.continue_()
    elif url == QUICK_EXIT_URL:
        traffic.exits.append(url)
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=NEUTRAL_PAGE)
    else:
        traffic.offsite.append(url)
        route.abort()


def _record_cookies(response: Any, traffic: Traffic) -> None:
    if urlsplit(response.url).scheme in ("http", "https"):
        cookie = response.headers.get("set-cookie")
        if cookie:
            traffic.set_cookies.append(cookie)


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core from npm (``make test-tools``): Deque's accessibility rules, run in the page."""
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""


def serious_accessibility_problems(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (the page's context
    must bypass CSP: axe is injected as a script). Skips (fails in CI) without axe-core."""
    if not AXE.exists():
        reason = f"axe-core is not installed ({AXE}; run `make test-tools`, which needs npm)"
        if os.environ.get("NJIA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"NJIA_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return [v for v in found if v["impact"] in ("serious", "critical")]
