"""Njia: the directory web application (API, pages, CLI) around a pluggable store.

:func:`create_app` (in :mod:`directory.app`) builds the web application and registers every
blueprint and command from one list. Importing a core module (the gazetteer, the schemas, the
store, the matchmaker...) does not import Flask: this package loads the web layer only when an
app is built. ``docs/architecture.md`` is the code map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app (see :func:`directory.app.create_app`)."""
    from directory.app import create_app as build

    return build(test_config)
