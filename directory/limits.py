"""Rate limits (Flask-Limiter): in memory by default, Redis when ``NJIA_RATELIMIT_STORAGE_URI``
names one (needed when several servers share the load)."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
DEFAULT_SEARCH_LIMIT = "60 per minute"


def _search_limit() -> str:
    return str(current_app.config.get("SEARCH_RATE_LIMIT") or DEFAULT_SEARCH_LIMIT)


def _signed_in() -> bool:
    from directory.auth import current_principal

    return current_principal().role is not None


search_limit = limiter.shared_limit(_search_limit, scope="search", exempt_when=_signed_in)
"""Anonymous searches (match, public results, place look-ups): per client address, shared
across those routes, ``NJIA_SEARCH_RATE_LIMIT`` (default 60 per minute); signed-in users are
not limited."""


def login_key() -> str:
    """Sign-in attempts are counted per account (the email given), not per address."""
    body = request.get_json(silent=True) or request.form
    email = body.get("email", "") if hasattr(body, "get") else ""
    return "login:" + str(email).strip().lower()[:254]


def init_app(app: Flask) -> None:
    """Attach the limiter with the app's storage settings."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # The limiter object is shared by every app of the process (tests make many): state each
    # app's choice explicitly, or one app's RATELIMIT_ENABLED=False would leak into the next.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
