"""The one error envelope, built in one place, as JSON or HTML by what the client accepts.

Every error answer has the shape::

    {"error": {"status": 422, "code": "validation_error", "message": "...",
               "fields": {"needs.1": ["Must be one of: ..."]}}}

No stack trace, query text or exception message from a driver ever reaches a client.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from directory.core.schemas import flatten_field_errors
from directory.store.base import (
    BrokenReference,
    Conflict,
    NotFound,
    StoreUnavailable,
    VersionConflict,
)

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def error_response(
    status: int,
    message: str,
    fields: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build the envelope for ``status`` as JSON, or as an HTML page for browsers."""
    body: dict[str, Any] = {
        "status": status,
        "code": _CODES.get(status, "error"),
        "message": message,
    }
    if fields:
        body["fields"] = fields
    if _wants_html():
        response = Response(render_template("error.html", error=body), status=status)
    else:
        response = jsonify(error=body)
        response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _wants_html() -> bool:
    if request.path.startswith(("/api/", "/hsds")):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def http_error(error: HTTPException) -> Response:
    """Werkzeug and flask-smorest errors (including webargs' 422 with field messages)."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = flatten_field_errors(data["messages"]) if "messages" in data else None
    headers = dict(data.get("headers") or {})
    if status == 413:
        message = "The request body is too large."
    elif fields:
        message = "Some fields are not valid."
    else:
        message = data.get("message") or error.description or "Error."
    return error_response(status, str(message), fields, headers)


def unavailable_response(error: StoreUnavailable) -> Response:
    """503 with ``Retry-After``: the database is down, locked or failing."""
    log.warning("store unavailable: %s", type(error.__cause__ or error).__name__)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return error_response(503, "The directory is unavailable; try again shortly.", None, headers)


def register_error_handlers(app: Flask) -> None:
    """Map every exception a request can raise to the envelope."""

    @app.errorhandler(ValidationError)
    def _validation(error: ValidationError) -> Response:
        fields = flatten_field_errors(error.messages)
        return error_response(422, "Some fields are not valid.", fields)

    @app.errorhandler(BrokenReference)
    def _reference(error: BrokenReference) -> Response:
        return error_response(422, "Some fields are not valid.", {error.field: [error.message]})

    @app.errorhandler(NotFound)
    def _not_found(_: NotFound) -> Response:
        return error_response(404, "Not found.")

    @app.errorhandler(VersionConflict)
    def _stale(_: VersionConflict) -> Response:
        return error_response(412, "The listing changed since you read it; read it again.")

    @app.errorhandler(Conflict)
    def _conflict(_: Conflict) -> Response:
        return error_response(409, "That listing exists already.")

    app.register_error_handler(StoreUnavailable, unavailable_response)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.url_rule)
        return error_response(500, "Something went wrong on our side.")
