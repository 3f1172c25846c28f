"""Sessions: signed-in sessions live on the server; a visitor's lives in a signed cookie.

A signed-in user's cookie holds only a random id; the store holds the session (only a SHA-256
of the id is stored, so a database leak gives no usable session). Such a session ends after
``SESSION_IDLE_MINUTES`` without a request or ``SESSION_MAX_HOURS`` in all, and at logout;
:meth:`StoreSession.rotate` gives it a new id (at login). Sessions past their maximum age are
purged whenever a new one starts, so the table never grows without bound.

A visitor who is not signed in (the sign-in form's CSRF token, a flashed message) never costs
a database row: that session is kept in a signed, HttpOnly cookie (``a.`` then the data) that
expires like a server session, so anonymous requests cannot fill the database.

Writes happen in an ``after_request`` hook (:func:`persist`), where a database outage still
answers 503 with ``Retry-After`` in the error envelope; a session that cannot be read raises
:class:`~directory.store.base.StoreUnavailable` where it is first used. Pages that never touch
the session (the public pages) never set or delete a cookie, whatever cookie they are sent.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response, current_app, request, session
from flask.sessions import SessionInterface, SessionMixin
from flask_wtf.csrf import CSRFProtect
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import CallbackDict

from directory.core import users
from directory.core.passwords import verify_password
from directory.store import get_store
from directory.store.base import Record, StoreUnavailable
from directory.web.security import PUBLIC_PAGE_BLUEPRINTS

TOUCH_EVERY = timedelta(minutes=1)
ANONYMOUS_PREFIX = "a."
PURGE_BATCH = 100
"""Expired sessions deleted, at most, each time a session starts."""
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'
"""Sent at sign-out: the browser forgets every page, cookie and stored item of this site."""


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


class StoreSession(CallbackDict[str, Any], SessionMixin):
    """A session dict that remembers its id, whether it is new and whether it changed."""

    def __init__(self, data: dict[str, Any] | None = None, sid: str | None = None) -> None:
        def on_update(_: Any) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.sid = sid
        self.old_sid: str | None = None
        self.modified = False
        self.last_seen: datetime | None = None
        self.had_cookie = False
        self.cookie_action: str | None = None
        """Set by :func:`persist`: ``server`` (the id), ``anonymous`` (the data) or ``delete``."""
        self.persisted = False

    @property
    def new(self) -> bool:  # type: ignore[override]
        return self.sid is None

    def rotate(self) -> None:
        """Give the session a new id (the old one stops working); call at login."""
        if self.sid:
            self.old_sid = self.sid
        self.sid = None
        self.modified = True


class UnavailableSession(StoreSession):
    """The session could not be read (the database is down): using it raises
    :class:`StoreUnavailable`, which the app answers with 503."""

    def _unavailable(self, *_: Any, **__: Any) -> Any:
        raise StoreUnavailable("the session could not be read")

    __getitem__ = __setitem__ = __delitem__ = __contains__ = _unavailable
    get = pop = setdefault = update = clear = keys = items = values = _unavailable


class StoreSessionInterface(SessionInterface):
    """Flask session interface: server-side sessions for users, signed cookies for visitors."""

    def open_session(self, app: Flask, request: Request) -> StoreSession:
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or len(cookie) > 4000:
            return StoreSession()
        if cookie.startswith(ANONYMOUS_PREFIX):
            session = StoreSession(_read_anonymous(app, cookie))
        else:
            try:
                session = self._open_stored(app, cookie)
            except StoreUnavailable:
                session = UnavailableSession()
        session.had_cookie = True
        return session

    def _open_stored(self, app: Flask, sid: str) -> StoreSession:
        if len(sid) > 100:
            return StoreSession()
        record = get_store().get_record("session", _hash(sid))
        if record is None or _expired(app, record.doc, datetime.now(UTC)):
            session = StoreSession()
            session.old_sid = sid if record else None
            session.modified = record is not None
            return session
        session = StoreSession(record.doc["data"], sid)
        session.last_seen = datetime.fromisoformat(record.doc["last_seen"])
        return session

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Set or delete the cookie as :func:`persist` decided (the store is written there)."""
        assert isinstance(session, StoreSession)
        if not session.persisted and not isinstance(session, UnavailableSession):
            session.cookie_action = _write(app, session)  # outside a request (tests' sessions)
        if session.cookie_action is None or _cookie_free():
            return
        name, path = self.get_cookie_name(app), self.get_cookie_path(app)
        if session.cookie_action == "delete":
            response.delete_cookie(name, path=path)
            return
        if session.cookie_action == "server":
            value = session.sid or ""
        else:
            value = ANONYMOUS_PREFIX + _serializer(app).dumps(dict(session))
        response.set_cookie(
            name, value, httponly=True, secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app) or "Lax", path=path,
        )  # fmt: skip


def persist(response: Response) -> Response:
    """``after_request``: write the session to the store if it changed (or touch it once a
    minute) and decide the cookie. A database outage here answers 503, not 500."""
    from flask import session

    from directory.web.errors import unavailable_response

    if not isinstance(session, StoreSession) or isinstance(session, UnavailableSession):
        return response
    session.persisted = True
    try:
        session.cookie_action = _write(current_app, session)
    except StoreUnavailable as exc:
        session.cookie_action = None
        return unavailable_response(exc)
    return response


def _write(app: Flask, session: StoreSession) -> str | None:
    """Store what the session needs; return the cookie action."""
    if session.old_sid:  # rotated at sign-in, or expired
        get_store().delete_record("session", _hash(session.old_sid))
    if not session.get("user_id"):
        if session.sid:  # a stored session without its user any more: signed out
            get_store().delete_record("session", _hash(session.sid))
        if not session:
            return "delete" if session.had_cookie else None
        return "anonymous" if (session.modified or session.sid) else None
    now = datetime.now(UTC)
    stale = session.last_seen is None or now - session.last_seen > TOUCH_EVERY
    if not (session.new or session.modified or stale):
        return None
    needs_cookie = session.new or session.old_sid is not None
    if session.new:
        purge_expired(app, now)
    _write_stored(session, now)
    return "server" if needs_cookie else None


def _write_stored(session: StoreSession, now: datetime) -> None:
    store = get_store()
    if session.sid is None:
        session.sid = secrets.token_urlsafe(32)
        created, version = now.isoformat(), None
    else:
        existing = store.get_record("session", _hash(session.sid))
        created = existing.doc["created_at"] if existing else now.isoformat()
        version = existing.version if existing else None
    doc = {"data": dict(session), "created_at": created, "last_seen": now.isoformat()}
    user = str(session.get("user_id") or "")
    store.put_record(Record("session", _hash(session.sid), doc, key1=user, sort=created), version)


def purge_expired(app: Flask, now: datetime) -> int:
    """Delete up to :data:`PURGE_BATCH` of the oldest sessions that have expired (idle or past
    their maximum age). Returns how many were deleted."""
    store = get_store()
    oldest = store.find_records("session", limit=PURGE_BATCH)
    expired = [r for r in oldest if _expired(app, r.doc, now)]
    return sum(store.delete_record("session", r.id) for r in expired)


def _expired(app: Flask, doc: dict[str, Any], now: datetime) -> bool:
    idle = timedelta(minutes=float(app.config["SESSION_IDLE_MINUTES"]))
    total = timedelta(hours=float(app.config["SESSION_MAX_HOURS"]))
    last_seen = datetime.fromisoformat(doc["last_seen"])
    created = datetime.fromisoformat(doc["created_at"])
    return now - last_seen > idle or now - created > total


def _serializer(app: Flask) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.secret_key or "", salt="njia-anonymous-session")


def _read_anonymous(app: Flask, cookie: str) -> dict[str, Any]:
    max_age = round(float(app.config["SESSION_IDLE_MINUTES"]) * 60)
    try:
        data = _serializer(app).loads(cookie.removeprefix(ANONYMOUS_PREFIX), max_age=max_age)
    except BadSignature:
        return {}
    return data if isinstance(data, dict) and "user_id" not in data else {}


def _cookie_free() -> bool:
    """Public pages and static files never set or delete a cookie."""
    return request.blueprint in PUBLIC_PAGE_BLUEPRINTS or request.endpoint == "static"


def end_sessions_of(user_id: str) -> int:
    """Delete every session of a user (deactivation, password change). Returns the count."""
    store = get_store()
    records = store.find_records("session", key1=user_id, limit=1000)
    return sum(store.delete_record("session", r.id) for r in records)


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


def authenticate(email: str, password: str) -> users.User | None:
    """The active user with these credentials, or None (same time for every failure)."""
    user = users.user_by_email(get_store(), email)
    ok = verify_password(user.password_hash if user else None, password)
    return user if user is not None and ok and user.active else None


def start_session(user: users.User) -> None:
    """A new session (new id) for ``user``; whatever the old session held is dropped."""
    assert isinstance(session, StoreSession)
    session.clear()
    session.rotate()
    session["user_id"] = user.id
