"""Who is asking, per request: default-deny, checked per route.

Every route declares its access with :func:`access`; a request to a route that declares none
is refused (403), and a test fails when a route is left unclassified. The caller is resolved
from a token or the session (:func:`load_principal`). What a caller may do with an object is
:mod:`directory.core.rights` (Flask-free): a provider may touch only its own organization's
listings, and any other object answers 404, exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, request, session

from directory.core.rights import ANONYMOUS, CASEWORK, STAFF, Principal, hash_secret
from directory.store.base import Record, Store

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ACCESS_LEVELS = ("public", "signed_in", "writer", "caseworker", "staff")
"""``public``: anyone; ``signed_in``: any role; ``writer``: providers and staff; ``caseworker``:
caseworkers and staff; ``staff``: admins and coordinators."""

F = TypeVar("F", bound=Callable[..., Any])


def access(level: str) -> Callable[[F], F]:
    """Declare who may call a view function (or a MethodView method)."""
    if level not in ACCESS_LEVELS:
        raise ValueError(level)

    def mark(view: F) -> F:
        view._njia_access = level  # type: ignore[attr-defined]
        return view

    return mark


def declare_access(app: Flask, endpoint: str, level: str) -> None:
    """Declare the access level of a view registered by a library (e.g. the OpenAPI spec)."""
    if endpoint not in app.view_functions or level not in ACCESS_LEVELS:
        raise ValueError(f"cannot declare {endpoint!r} as {level!r}")
    app.extensions.setdefault("njia_access", {})[endpoint] = level


def route_access(endpoint: str | None, method: str) -> str | None:
    """The access level declared for an endpoint and HTTP method, or None if undeclared."""
    if endpoint is None:
        return None
    declared = current_app.extensions.get("njia_access", {})
    if endpoint in declared:
        return declared[endpoint]  # type: ignore[no-any-return]
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, method.lower(), None)
    return getattr(view, "_njia_access", None)


def load_principal(store: Store) -> Principal:
    """The caller: from an ``Authorization: Bearer`` token, else from the session cookie of a
    signed-in, active user, else anonymous."""
    header = request.headers.get("Authorization", "")
    if not header:
        return _session_principal(store)
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(401, description="Use 'Authorization: Bearer <token>'.")
    token = store.token_for(hash_secret(secret.strip()))
    if token is None or token.revoked:
        abort(401, description="The token is not valid.")
    actor = f"token:{token.id}"
    if token.user_id is None:  # a service token made with the CLI: its own, fixed rights
        return Principal(token.role, token.organization_id, actor, None, "token")
    user = _active_user(store, token.user_id)
    if user is None:
        abort(401, description="The token is not valid.")
    # A personal token acts with its user's rights as they are now (GUIDE §4.8): a demotion,
    # a move to another organization or a deactivation applies to it at its next request.
    return Principal(user.doc["role"], user.doc["organization_id"], actor, token.user_id, "token")


def _session_principal(store: Store) -> Principal:
    user_id = session.get("user_id") if request.cookies else None
    if not user_id:
        return ANONYMOUS
    user = _active_user(store, user_id)
    if user is None:
        session.clear()
        return ANONYMOUS
    return Principal(
        user.doc["role"], user.doc["organization_id"], f"user:{user.id}", user.id, "session"
    )


def _active_user(store: Store, user_id: str) -> Record | None:
    record = store.get_record("user", user_id)
    return record if record is not None and record.doc["active"] else None


def enforce_route_access() -> None:
    """``before_request`` hook: resolve the caller and apply the route's declared level."""
    from directory.store import get_store

    level = route_access(request.endpoint, request.method)
    if request.endpoint is None or request.endpoint == "static":
        return
    if level is None:
        abort(403, description="This route is not open to anyone.")
    principal = load_principal(get_store()) if level != "public" or _has_auth() else ANONYMOUS
    g.principal = principal
    if principal.via == "session" and request.method not in SAFE_METHODS:
        current_app.extensions["csrf"].protect()
    allowed = {
        "public": True,
        "signed_in": principal.role is not None,
        "writer": principal.role in STAFF | {"provider"},
        "caseworker": principal.role in CASEWORK,
        "staff": principal.is_staff,
    }[level]
    if not allowed:
        if principal.role is None:
            abort(401, description="Send a valid API token: 'Authorization: Bearer <token>'.")
        abort(403, description="Your role may not do this.")


def _has_auth() -> bool:
    return "Authorization" in request.headers or bool(request.cookies)


def current_principal() -> Principal:
    """The caller of the current request (anonymous outside a request)."""
    principal: Principal = g.get("principal", ANONYMOUS)
    return principal
