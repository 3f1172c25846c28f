"""Security headers of every response, in one place (GUIDE §4.6).

Every answer of the app gets a strict Content-Security-Policy (nothing from another origin, no
inline script or style), ``nosniff``, no referrer, no framing and geolocation for this origin
only. Pages, answers to signed-in callers and answers to searches and other writes are never
stored by the browser or a proxy (``Cache-Control: no-store``): a results page may describe
where a survivor is, a staff answer may hold a confidential address. Anonymous reads of public
data are ``no-cache`` (kept, but revalidated with their ETag every time). Static files, whose
URLs carry a content hash (``?v=``), may be cached so a weak connection downloads them once.

The public pages never set a cookie: a ``Set-Cookie`` added by a view or an extension is dropped
here as a last line of defence (the session interface saves after this hook, so it must itself
leave anonymous visitors alone; the tests assert that no public answer ever carries a cookie).
The app sends no ``Server`` header; gunicorn's says "gunicorn", without a version.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "geolocation=(self)",
}
PUBLIC_PAGE_BLUEPRINTS = frozenset({"public", "provider", "about"})
"""Blueprints whose pages anyone reads: no cookie, ever."""
STATIC_MAX_AGE_SECONDS = 7 * 24 * 3600
HSTS = "max-age=31536000; includeSubDomains"
"""Sent only over HTTPS (behind a TLS proxy, set ``NJIA_PREFERRED_URL_SCHEME`` and a proxy fix)."""


def secure(response: Response) -> Response:
    """``after_request``: add the headers; no-store for pages; drop cookies of public pages."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    if request.endpoint == "static":
        if request.args.get("v"):
            response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE_SECONDS}"
    else:
        response.headers["Cache-Control"] = cache_control(response)
        response.vary.update(("Authorization", "Cookie"))
    if request.blueprint in PUBLIC_PAGE_BLUEPRINTS or request.endpoint == "static":
        response.headers.remove("Set-Cookie")
    return response


def cache_control(response: Response) -> str:
    """``no-store`` for anything that may hold more than the public sees or say where someone
    is: pages, answers to a signed-in caller, answers to a search or any other write (a match
    answer describes a survivor's surroundings). Only an anonymous read of the public data
    may be kept, and revalidated with its ETag every time (``no-cache``)."""
    from directory.web.auth import current_principal

    private = (
        response.mimetype == "text/html"
        or request.blueprint in PUBLIC_PAGE_BLUEPRINTS
        or request.method not in ("GET", "HEAD")
        or current_principal().role is not None
        or "Authorization" in request.headers
        or response.status_code >= 400
    )
    return "no-store" if private else "no-cache"


@cache
def _digest(path: Path, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def static_url(filename: str) -> str:
    """The URL of a static file with a short content hash, so caches never serve a stale one."""
    assert current_app.static_folder is not None
    path = Path(current_app.static_folder) / filename
    return url_for("static", filename=filename, v=_digest(path, path.stat().st_mtime))


def init_app(app: Flask) -> None:
    """Register the headers on every response and ``static_url`` in templates."""
    app.after_request(secure)
    app.jinja_env.globals["static_url"] = static_url
