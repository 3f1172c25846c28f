"""``/api/v1/auth``, ``/api/v1/invites``, ``/api/v1/users``, ``/api/v1/tokens``.

Sign-in answers the same for an unknown email and a wrong password, and the sixth failure for
one account within 15 minutes gets 429 with ``Retry-After``. A session is rotated at sign-in.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, session
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest import abort as smorest_abort
from flask_wtf.csrf import generate_csrf
from marshmallow import fields, validate

from directory.core import users
from directory.core.rights import ROLES, hash_secret, issue_token
from directory.core.schemas import StrictSchema
from directory.store import get_store
from directory.web.auth import access, current_principal
from directory.web.limits import login_limit
from directory.web.sessions import CLEAR_SITE_DATA, authenticate, end_sessions_of, start_session

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Accounts and tokens.")
WRONG_LOGIN = "Wrong email or password."


class LoginSchema(StrictSchema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class InviteSchema(StrictSchema):
    email = fields.Email(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    organization_id = fields.UUID(load_default=None, allow_none=True)


class AcceptSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=100))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class UserPatchSchema(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    role = fields.String(validate=validate.OneOf(ROLES))
    organization_id = fields.UUID(allow_none=True)
    active = fields.Boolean()


class TokenSchema(StrictSchema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=100))


class RevokeSchema(StrictSchema):
    token = fields.String(validate=validate.Length(min=10, max=200))
    id = fields.UUID()


@blp.route("/auth/login")
class Login(MethodView):
    @access("public")
    @login_limit
    @blp.arguments(LoginSchema)
    @blp.doc(responses={"200": {"description": "Signed in; a session cookie is set."}})
    def post(self, body: dict[str, str]) -> Response:
        """Sign in with email and password."""
        user = sign_in(body["email"], body["password"])
        return jsonify(user=user.public(), csrf_token=generate_csrf())


def sign_in(email: str, password: str) -> users.User:
    """Check the credentials and start a fresh session; 401 (same for both failures) if not."""
    user = authenticate(email, password)
    if user is None:
        abort(401, description=WRONG_LOGIN)
    start_session(user)
    return user


@blp.route("/auth/logout")
class Logout(MethodView):
    @access("signed_in")
    @blp.doc(responses={"204": {"description": "Signed out; the session is gone."}})
    def post(self) -> Response:
        """Sign out: the session is deleted on the server, and the browser told to clear this
        site's cache, cookies and storage (``Clear-Site-Data``)."""
        session.clear()
        return Response(status=204, headers={"Clear-Site-Data": CLEAR_SITE_DATA})


@blp.route("/auth/me")
class Me(MethodView):
    @access("signed_in")
    @blp.doc(responses={"200": {"description": "The signed-in user and a CSRF token."}})
    def get(self) -> Response:
        """Who am I, and the CSRF token to send as ``X-CSRFToken`` with cookie-signed writes."""
        principal = current_principal()
        user = users.get_user(get_store(), principal.user_id or "")
        token = generate_csrf() if principal.via == "session" else None
        return jsonify(user=user.public() if user else None, role=principal.role, csrf_token=token)


@blp.route("/invites")
class Invites(MethodView):
    @access("staff")
    @blp.arguments(InviteSchema)
    @blp.doc(responses={"201": {"description": "The invitation and its single-use link."}})
    def post(self, body: dict[str, Any]) -> Response:
        """Invite someone: a single-use link that expires in 7 days."""
        principal = current_principal()
        if not users.may_grant(principal.role, body["role"]):
            abort(403, description="You may not grant this role.")
        org = str(body["organization_id"]) if body["organization_id"] else None
        invite, token = _account_call(
            users.create_invite, get_store(), body["email"], body["role"], org, principal.actor
        )
        response = jsonify(invite=invite, token=token, url=f"/invite/{token}")
        response.status_code = 201
        return response


@blp.route("/invites/accept")
class AcceptInvite(MethodView):
    @access("public")
    @blp.arguments(AcceptSchema)
    @blp.doc(responses={"201": {"description": "The new account."}})
    def post(self, body: dict[str, str]) -> Response:
        """Create an account from an invitation (once)."""
        user = _account_call(
            users.accept_invite, get_store(), body["token"], body["name"], body["password"]
        )
        response = jsonify(user=user.public())
        response.status_code = 201
        return response


@blp.route("/users")
class Users(MethodView):
    @access("staff")
    @blp.doc(responses={"200": {"description": "Every account."}})
    def get(self) -> Response:
        """List accounts."""
        return jsonify(items=[u.public() for u in users.list_users(get_store())])


@blp.route("/users/<uuid:user_id>")
class OneUser(MethodView):
    @access("staff")
    @blp.arguments(UserPatchSchema)
    @blp.doc(responses={"200": {"description": "The updated account."}})
    def patch(self, body: dict[str, Any], user_id: Any) -> Response:
        """Rename, change role or organization, deactivate or reactivate an account."""
        store, principal = get_store(), current_principal()
        user = users.get_user(store, str(user_id))
        if user is None or not users.may_grant(principal.role, user.role):
            abort(404)
        if "role" in body and not users.may_grant(principal.role, body["role"]):
            abort(403, description="You may not grant this role.")
        if "organization_id" in body and body["organization_id"] is not None:
            body["organization_id"] = str(body["organization_id"])
        updated = _account_call(users.save_user, store, user, **body)
        if not updated.active or "role" in body or "organization_id" in body:
            end_sessions_of(updated.id)
        return jsonify(user=updated.public())


@blp.route("/tokens")
class Tokens(MethodView):
    @access("signed_in")
    @blp.arguments(TokenSchema)
    @blp.doc(responses={"201": {"description": "The token secret, shown once."}})
    def post(self, body: dict[str, str]) -> Response:
        """Create an API token acting as yourself (same role and organization)."""
        principal = current_principal()
        if principal.user_id is None or principal.role is None:
            abort(403, description="Only a signed-in account can create tokens.")
        secret = issue_token(
            get_store(), principal.role, body["label"], principal.organization_id,
            principal.user_id,
        )  # fmt: skip
        response = jsonify(token=secret)
        response.status_code = 201
        return response


@blp.route("/tokens/revoke")
class RevokeToken(MethodView):
    @access("signed_in")
    @blp.arguments(RevokeSchema)
    @blp.doc(responses={"204": {"description": "Revoked."}})
    def post(self, body: dict[str, Any]) -> Response:
        """Revoke a token: your own by its secret, or any by id if you are an admin."""
        store, principal = get_store(), current_principal()
        if "token" in body:
            token = store.token_for(hash_secret(body["token"]))
            if token is None or token.user_id != principal.user_id:
                abort(404)
            store.revoke_token(token.id)
        elif "id" in body and principal.role == "admin":
            if not store.revoke_token(str(body["id"])):
                abort(404)
        else:
            abort(404)
        return Response(status=204)


def _account_call(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run an account operation, turning :class:`users.AccountError` into a 422."""
    try:
        return function(*args, **kwargs)
    except users.AccountError as exc:
        smorest_abort(422, messages={"json": {exc.field: [exc.message]}})
