"""Choosing and holding the store: one per process, created on first use (after any fork).

``NJIA_STORE`` selects the adapter: ``sqlite`` (default, the file ``NJIA_DATABASE``) or
``neo4j`` (``NJIA_NEO4J_URI``, ``NJIA_NEO4J_USER``, ``NJIA_NEO4J_PASSWORD``,
``NJIA_NEO4J_DATABASE``). The schema is brought up to date on first use in each process.

Importing this package does not import Flask: the adapters and :class:`StoreHolder` serve the
command line and the benchmarks too; only :func:`init_app`, :func:`get_store` and
:func:`mark_unavailable` need an app, and import Flask when called.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from directory.store.base import Store, StoreUnavailable

if TYPE_CHECKING:
    from flask import Flask

_EXTENSION = "njia_store"


class StoreHolder:
    """Creates the configured store lazily, once per process, and migrates it once."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self._store: Store | None = None
        self._pid: int | None = None
        self._ready = False
        self._lock = threading.Lock()

    def get(self) -> Store:
        """The store for this process, schema applied (raises StoreUnavailable if down)."""
        if self._store is None or self._pid != os.getpid():
            with self._lock:
                if self._store is None or self._pid != os.getpid():
                    self._store, self._pid, self._ready = (
                        open_store(self.config),
                        os.getpid(),
                        False,
                    )
        if not self._ready:
            with self._lock:
                if not self._ready:
                    self._store.init_schema()
                    self._ready = True
        return self._store

    def close(self) -> None:
        """Close the store of this process, if any."""
        if self._store is not None and self._pid == os.getpid():
            self._store.close()
        self._store = None


def open_store(config: dict[str, Any]) -> Store:
    """Build the adapter named by ``config["STORE"]`` (no connection is made yet)."""
    kind = config.get("STORE", "sqlite")
    if kind == "sqlite":
        from directory.store.sqlite import SqliteStore

        return SqliteStore(
            config["DATABASE"],
            busy_timeout=float(config["DB_TIMEOUT"]),
            cache_mb=int(config.get("SQLITE_CACHE_MB", 64)),
        )
    if kind == "neo4j":
        from directory.store.neo4j import Neo4jStore

        return Neo4jStore(
            uri=config["NEO4J_URI"],
            user=config.get("NEO4J_USER"),
            password=config.get("NEO4J_PASSWORD"),
            database=config.get("NEO4J_DATABASE", "neo4j"),
            timeout=float(config["DB_TIMEOUT"]),
        )
    raise ValueError(f"NJIA_STORE must be 'sqlite' or 'neo4j', not {kind!r}")


def init_app(app: Flask) -> None:
    """Register the store holder on the app."""
    app.extensions[_EXTENSION] = StoreHolder(app.config)


def get_store() -> Store:
    """The current app's store.

    Once the database failed during a request (:func:`mark_unavailable`), the rest of that
    request fails at once instead of waiting for the database again: an outage costs one
    timeout, then 503.
    """
    from flask import current_app, g, has_request_context

    failed = g.get("njia_store_failed") if has_request_context() else None
    if failed is not None:
        raise StoreUnavailable("the database failed earlier in this request") from failed
    holder: StoreHolder = current_app.extensions[_EXTENSION]
    return holder.get()


def mark_unavailable(error: StoreUnavailable) -> None:
    """Remember for the rest of the request that the database is unavailable."""
    from flask import g, has_request_context

    if has_request_context():
        g.njia_store_failed = error
