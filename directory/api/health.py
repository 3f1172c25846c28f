"""Liveness and readiness probes."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from directory.store import get_store
from directory.web.auth import access

blp = Blueprint("health", __name__)


@blp.get("/livez")
@access("public")
def livez() -> Response:
    """The process answers (no database touched)."""
    return jsonify(status="ok")


@blp.get("/readyz")
@access("public")
def readyz() -> Response:
    """The database answers within the store's timeout; else the store raises and we send 503."""
    get_store().ping()
    return jsonify(status="ok")
