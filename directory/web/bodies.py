"""JSON request bodies are read once, safely, before anything else touches them.

Python's JSON parser recurses once per level of nesting and refuses integers of more than
4,300 digits with a ``ValueError`` that neither Flask nor webargs expects: ``[`` × 100,000 or
a 5,000-digit number used to reach the 500 handler. Every JSON body is checked here first,
in a ``before_request`` hook registered before every other one (rate limits read the sign-in
email from the body): too deep, a number too long or text that is not JSON answers 400 in
the error envelope, naming the body, and nothing runs.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, request

from directory.web.errors import error_response

MAX_DEPTH = 64
"""Levels of arrays and objects in a body; Njia's deepest schema needs five."""
MAX_NUMBER_CHARACTERS = 100
"""Characters of one number (a latitude needs about 20)."""


class BodyRefused(ValueError):
    """The body cannot be read as JSON within the limits; the message says why."""


def read_json(text: str | bytes) -> Any:
    """Parse a JSON body within :data:`MAX_DEPTH` and :data:`MAX_NUMBER_CHARACTERS`.

    Raises :class:`BodyRefused`.
    """
    try:
        value = json.loads(text, parse_int=_integer, parse_float=_real)
    except RecursionError as exc:
        raise BodyRefused(f"nested deeper than {MAX_DEPTH} levels") from exc
    except BodyRefused:
        raise
    except ValueError as exc:  # JSONDecodeError, bad UTF-8
        raise BodyRefused("not valid JSON") from exc
    if _depth(value) > MAX_DEPTH:
        raise BodyRefused(f"nested deeper than {MAX_DEPTH} levels")
    return value


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARACTERS:
        raise BodyRefused(f"a number longer than {MAX_NUMBER_CHARACTERS} characters")
    return int(text)


def _real(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARACTERS:
        raise BodyRefused(f"a number longer than {MAX_NUMBER_CHARACTERS} characters")
    return float(text)


def _depth(value: Any) -> int:
    """Levels of nesting, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        stack.extend((child, level + 1) for child in children)
    return deepest


def check_json_body() -> Response | None:
    """``before_request``: refuse a JSON body that cannot be read safely (400)."""
    if not request.is_json or request.content_length == 0:
        return None
    data = request.get_data(cache=True)
    if not data:
        return None
    try:
        read_json(data)
    except BodyRefused as exc:
        return error_response(
            400, "The request body cannot be read as JSON.", {"body": [f"The body is {exc}."]}
        )
    return None


def init_app(app: Flask) -> None:
    """Install the check; call before any extension that reads bodies in a hook."""
    app.before_request(check_json_body)
