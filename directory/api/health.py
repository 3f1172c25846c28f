"""Liveness and readiness probes."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from directory.search.index import index_for
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
    """The database answers within the store's timeout; else the store raises and we send 503.
    ``match_index`` says how this worker matches (:attr:`MatchIndex.state`)."""
    store = get_store()
    store.ping()
    index = index_for(store, current_app.config["MATCH_INDEX_MIN_SERVICES"])
    return jsonify(status="ok", match_index=index.state)
