"""Accounts: users and roles, invitations, server-side sessions, CSRF and sign-in limits."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from directory.accounts.sessions import StoreSessionInterface, persist


def init_app(app: Flask) -> None:
    """Install sessions and CSRF protection (the accounts API and pages are registered by
    :func:`directory.app.create_app`)."""
    _ensure_secret_key(app)
    app.session_interface = StoreSessionInterface()
    app.after_request(persist)  # before the security headers' hook (hooks run last-first)
    CSRFProtect(app)


def _ensure_secret_key(app: Flask) -> None:
    """Use ``NJIA_SECRET_KEY``, else a random key kept in the instance folder (0600), so every
    worker of one installation shares it."""
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    app.config["SECRET_KEY"] = path.read_text().strip()
