"""Server-side sessions: the cookie holds only a random id; the store holds the rest.

Only a SHA-256 of the id is stored, so a database leak gives no usable session. A session
ends after ``SESSION_IDLE_MINUTES`` without a request or ``SESSION_MAX_HOURS`` in all, and
at logout; :meth:`StoreSession.rotate` gives it a new id (at login). Pages that never touch
the session (the public pages) never set a cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from directory.store import get_store
from directory.store.base import Record

TOUCH_EVERY = timedelta(minutes=1)


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

    @property
    def new(self) -> bool:  # type: ignore[override]
        return self.sid is None

    def rotate(self) -> None:
        """Give the session a new id (the old one stops working); call at login."""
        if self.sid:
            self.old_sid = self.sid
        self.sid = None
        self.modified = True


class StoreSessionInterface(SessionInterface):
    """Flask session interface keeping sessions in the store's ``session`` records."""

    def open_session(self, app: Flask, request: Request) -> StoreSession:
        sid = request.cookies.get(self.get_cookie_name(app))
        if not sid or len(sid) > 100:
            return StoreSession()
        record = get_store().get_record("session", _hash(sid))
        now = datetime.now(UTC)
        if record is None or self._expired(app, record.doc, now):
            session = StoreSession()
            session.old_sid = sid if record else None
            session.modified = record is not None
            return session
        session = StoreSession(record.doc["data"], sid)
        session.last_seen = datetime.fromisoformat(record.doc["last_seen"])
        return session

    @staticmethod
    def _expired(app: Flask, doc: dict[str, Any], now: datetime) -> bool:
        idle = timedelta(minutes=float(app.config["SESSION_IDLE_MINUTES"]))
        total = timedelta(hours=float(app.config["SESSION_MAX_HOURS"]))
        last_seen = datetime.fromisoformat(doc["last_seen"])
        created = datetime.fromisoformat(doc["created_at"])
        return now - last_seen > idle or now - created > total

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, StoreSession)
        store = get_store() if (session.modified or session.sid) else None
        if store is not None and session.old_sid:
            store.delete_record("session", _hash(session.old_sid))
        name = self.get_cookie_name(app)
        if not session:
            if session.sid and store is not None:
                store.delete_record("session", _hash(session.sid))
            if session.sid or session.old_sid:
                response.delete_cookie(name, path=self.get_cookie_path(app))
            return
        now = datetime.now(UTC)
        stale = session.last_seen is None or now - session.last_seen > TOUCH_EVERY
        if not (session.new or session.modified or stale):
            return
        needs_cookie = session.new or session.old_sid is not None
        self._write(app, session, now)
        if needs_cookie:
            self._set_cookie(app, session, response)

    def _write(self, app: Flask, session: StoreSession, now: datetime) -> None:
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
        store.put_record(
            Record("session", _hash(session.sid), doc, key1=user, sort=created), version
        )

    def _set_cookie(self, app: Flask, session: StoreSession, response: Response) -> None:
        response.set_cookie(
            self.get_cookie_name(app),
            session.sid or "",
            httponly=True,
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app) or "Lax",
            path=self.get_cookie_path(app),
        )


def end_sessions_of(user_id: str) -> int:
    """Delete every session of a user (deactivation, password change). Returns the count."""
    store = get_store()
    records = store.find_records("session", key1=user_id, limit=1000)
    return sum(store.delete_record("session", r.id) for r in records)
