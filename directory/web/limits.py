"""Rate limits (Flask-Limiter), counted in Njia's own database by default.

Every worker and every server of one installation shares the database, so counting there
makes a limit hold across gunicorn workers and across servers with no other service: the
sixth failed sign-in for one account within 15 minutes is refused whichever worker, server or
sign-in form (API or page) it reaches. ``NJIA_RATELIMIT_STORAGE_URI`` may name another
storage that the ``limits`` library knows (``redis://…``; ``memory://`` counts per process).

Limits use the moving-window strategy: "5 per 15 minutes" means at most five in any 15
minutes, not five per quarter hour of the clock. While the database is down nothing is
counted (Flask-Limiter swallows the storage's error): every limited route but the offline
place search needs the database anyway and answers 503.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Flask, current_app, has_app_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import MovingWindowSupport, Storage

from directory.store.base import (
    Conflict,
    NotFound,
    Record,
    Store,
    StoreUnavailable,
    VersionConflict,
)

_P = ParamSpec("_P")
_R = TypeVar("_R")

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
DEFAULT_SEARCH_LIMIT = "60 per minute"
LOGIN_LIMIT = "5 per 15 minutes"
COLLECTION = "rate_limit"
WINDOWS = "window"
"""``key1`` of every rate-limit record: one indexed bucket, ordered by expiry, to purge."""
ATTEMPTS = 8
"""Compare-and-set attempts before a hit is refused (a flood on one key: fail closed)."""
PURGE_BATCH = 100


def _search_limit() -> str:
    return str(current_app.config.get("SEARCH_RATE_LIMIT") or DEFAULT_SEARCH_LIMIT)


def _signed_in() -> bool:
    from directory.web.auth import current_principal

    return current_principal().role is not None


search_limit = limiter.shared_limit(_search_limit, scope="search", exempt_when=_signed_in)
"""Anonymous searches (match, public results, place look-ups): per client address, shared
across those routes, ``NJIA_SEARCH_RATE_LIMIT`` (default 60 per minute); signed-in users are
not limited."""


DEFAULT_READ_LIMIT = "120 per minute"
BULK_COST = 60
"""What one ``format=ndjson`` answer (every matching item at once) costs of the read budget."""
FULL_COST = 5
"""What one page of fully nested items (``full=true``) costs."""


def _read_limit() -> str:
    return str(current_app.config.get("READ_RATE_LIMIT") or DEFAULT_READ_LIMIT)


def _read_cost() -> int:
    if request.args.get("format") == "ndjson":
        return BULK_COST
    full = {request.args.get(k, "").lower() for k in ("full", "full_service")}
    return FULL_COST if full & {"true", "1", "yes", "on"} else 1


read_limit = limiter.shared_limit(
    _read_limit, scope="read", exempt_when=_signed_in, cost=_read_cost
)
"""Anonymous reads of collections (``/api/v1`` lists and the HSDS feed): per client address,
``NJIA_READ_RATE_LIMIT`` (default 120 per minute), a whole ndjson dump costing
:data:`BULK_COST` and a page of full items :data:`FULL_COST`, so one client cannot keep the
workers busy with dumps while survivors search. Signed-in users are not limited."""


def login_key() -> str:
    """Sign-in attempts are counted per account (the email given), not per address."""
    body = request.get_json(silent=True) or request.form
    email = body.get("email", "") if hasattr(body, "get") else ""
    return "login:" + str(email).strip().lower()[:254]


login_limit = limiter.shared_limit(
    LOGIN_LIMIT,
    scope="login",
    key_func=login_key,
    deduct_when=lambda response: response.status_code == 401,
    methods=["POST"],
)
"""Failed sign-ins per account, shared by the API and the sign-in page: the sixth failure
within 15 minutes gets 429 with ``Retry-After``."""


def _counted(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """A storage method whose database failure is remembered for the rest of the request
    (the request then answers 503 at once instead of waiting for the database twice)."""

    @functools.wraps(function)
    def counted(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        from directory.store import mark_unavailable

        try:
            return function(*args, **kwargs)
        except StoreUnavailable as exc:
            mark_unavailable(exc)
            raise

    return counted


class StoreStorage(Storage, MovingWindowSupport):
    """``limits`` storage kept in the app's store as ``rate_limit`` records (``njia://``).

    A moving window is one record holding the times of its latest hits; each hit is a
    compare-and-set of that record, so concurrent workers never both take the last place.
    Records of windows that have ended are purged when new ones are made. Store outages
    propagate as :class:`StoreUnavailable` (503).
    """

    STORAGE_SCHEME = ["njia"]  # noqa: RUF012  (an instance attribute in limits.Storage)

    @property
    def base_exceptions(self) -> type[Exception]:
        return StoreUnavailable

    # -- moving window ------------------------------------------------------------------------

    @_counted
    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        for _ in range(ATTEMPTS):
            record, now = _read(key), time.time()
            hits = _live_hits(record, now, expiry)
            if len(hits) + amount > limit:
                return False
            hits = (hits + [now] * amount)[-limit:]
            if _write(key, record, {"hits": hits}, now + expiry):
                return True
        return False

    @_counted
    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        hits = _live_hits(_read(key), now, expiry)
        return (hits[0] if hits else now), len(hits)

    # -- fixed window (for a limit that asks for it) ----------------------------------------

    @_counted
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        for _ in range(ATTEMPTS):
            record, now = _read(key), time.time()
            live = record is not None and record.doc.get("expires", 0) > now
            count = (record.doc["count"] if live and record else 0) + amount
            expires = record.doc["expires"] if live and record else now + expiry
            if _write(key, record, {"count": count, "expires": expires}, expires):
                return int(count)
        raise StoreUnavailable("rate limit counter contended")

    @_counted
    def get(self, key: str) -> int:
        record = _read(key)
        if record is None or record.doc.get("expires", 0) <= time.time():
            return 0
        return int(record.doc.get("count", 0))

    @_counted
    def get_expiry(self, key: str) -> float:
        record = _read(key)
        return float(record.doc.get("expires", time.time())) if record else time.time()

    # -- housekeeping -----------------------------------------------------------------------

    def check(self) -> bool:
        if not has_app_context():
            return False
        try:
            _store().ping()
        except StoreUnavailable:
            return False
        return True

    def reset(self) -> int | None:
        store, deleted = _store(), 0
        while records := store.find_records(COLLECTION, key1=WINDOWS, limit=PURGE_BATCH):
            deleted += sum(store.delete_record(COLLECTION, r.id) for r in records)
        return deleted

    @_counted
    def clear(self, key: str) -> None:
        _store().delete_record(COLLECTION, _record_id(key))


def _store() -> Store:
    from directory.store import get_store

    return get_store()


def _record_id(key: str) -> str:
    return "rl:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _read(key: str) -> Record | None:
    return _store().get_record(COLLECTION, _record_id(key))


def _live_hits(record: Record | None, now: float, expiry: int) -> list[float]:
    hits = record.doc.get("hits", []) if record else []
    return [t for t in hits if t > now - expiry]


def _write(key: str, record: Record | None, doc: dict[str, object], expires: float) -> bool:
    """Compare-and-set the window; False when another worker wrote it first."""
    store = _store()
    if record is None:
        purge_ended(time.time())
    new = Record(COLLECTION, _record_id(key), doc, key1=WINDOWS, sort=f"{expires:017.3f}")
    try:
        store.put_record(new, record.version if record else None)
    except (VersionConflict, Conflict, NotFound):
        return False
    return True


def purge_ended(now: float) -> int:
    """Delete up to :data:`PURGE_BATCH` rate-limit records whose window has ended."""
    store = _store()
    oldest = store.find_records(COLLECTION, key1=WINDOWS, limit=PURGE_BATCH)
    ended = [r for r in oldest if float(r.sort) <= now]
    return sum(store.delete_record(COLLECTION, r.id) for r in ended)


def init_app(app: Flask) -> None:
    """Attach the limiter with the app's storage settings."""
    limiter.init_app(app)  # settings: RATELIMIT_* in directory/config.py
