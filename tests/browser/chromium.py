"""One headless Chromium per test session, shared by every package of browser tests.

Playwright's sync API cannot run twice at once in one thread, so ``tests/browser`` and
``tests/imports`` (each with its own session fixture) share this browser: it starts with the
first user and stops when the last one releases it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
_shared: dict[str, Any] = {"users": 0, "playwright": None, "browser": None}


@contextmanager
def shared_browser(executable_path: str) -> Iterator[Any]:
    """The session's browser (Debian's ``chromium`` at ``executable_path``), headless."""
    if _shared["users"] == 0:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(
                executable_path=executable_path, args=CHROMIUM_ARGS, headless=True
            )
        except Exception:
            playwright.stop()
            raise
        _shared.update(playwright=playwright, browser=browser)
    _shared["users"] += 1
    try:
        yield _shared["browser"]
    finally:
        _shared["users"] -= 1
        if _shared["users"] == 0:
            _shared["browser"].close()
            _shared["playwright"].stop()
            _shared.update(playwright=None, browser=None)
