"""User accounts and single-use invitations, kept as store records.

A user has one role; a provider belongs to exactly one organization, a caseworker may belong
to one (it signs the referrals the caseworker makes), admins and coordinators to none. Users
join by an invitation link that works once and expires; the first admin is made with the CLI.
Emails are kept lower-cased and are the login name.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from directory.core.passwords import hash_password, password_problems
from directory.core.rights import ROLES, STAFF
from directory.core.schemas import text_problem
from directory.store.base import Conflict, Document, Record, Store, VersionConflict
from directory.store.text import utc_now

INVITE_DAYS = 7
EMAIL_CLAIMS = "user_email"
"""Records that make an email one account's: created once, never replaced."""


class AccountError(ValueError):
    """A request about accounts that cannot be done; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class User:
    """A person who signs in. ``password_hash`` never leaves the server."""

    id: str
    email: str
    name: str
    role: str
    organization_id: str | None
    active: bool
    password_hash: str
    created_at: str
    version: int = 0

    def public(self) -> dict[str, Any]:
        """The user as the API shows it (no hash)."""
        return {
            "id": self.id, "email": self.email, "name": self.name, "role": self.role,
            "organization_id": self.organization_id, "active": self.active,
            "created_at": self.created_at,
        }  # fmt: skip


def _user(record: Record) -> User:
    return User(**record.doc, version=record.version)


def _record(user: User) -> Record:
    doc = {k: v for k, v in user.__dict__.items() if k != "version"}
    return Record("user", user.id, doc, key1=user.email, key2=user.organization_id or "",
                  sort=user.created_at)  # fmt: skip


def get_user(store: Store, user_id: str) -> User | None:
    """The user with this id, or None."""
    record = store.get_record("user", user_id)
    return _user(record) if record else None


def user_by_email(store: Store, email: str) -> User | None:
    """The user with this (case-insensitive) email, or None."""
    found = store.find_records("user", key1=email.strip().lower(), limit=1)
    return _user(found[0]) if found else None


def list_users(store: Store) -> list[User]:
    """Every user, oldest first."""
    return [_user(r) for r in store.find_records("user", limit=10_000)]


def create_user(
    store: Store, email: str, name: str, role: str, password: str, organization_id: str | None
) -> User:
    """Validate and store a new user. Raises :class:`AccountError`."""
    email = email.strip().lower()
    _check_role(store, role, organization_id)
    if text_problem(name):
        raise AccountError("name", text_problem(name) or "")
    problems = password_problems(password, email)
    if problems:
        raise AccountError("password", problems[0])
    if user_by_email(store, email) is not None:
        raise AccountError("email", "An account with this email exists already.")
    user = User(str(uuid.uuid4()), email, name.strip(), role, organization_id, True,
                hash_password(password), utc_now())  # fmt: skip
    claim = _claim_email(store, email, user.id)
    try:
        store.put_record(_record(user), None)
    except Exception:
        store.delete_record(EMAIL_CLAIMS, claim)
        raise
    return get_user(store, user.id) or user


def _claim_email(store: Store, email: str, user_id: str) -> str:
    """Take ``email`` for ``user_id`` atomically (a record whose id is the email's hash can be
    created once): two invitations for one email accepted at the same moment make one account.
    Returns the claim's id."""
    claim = "email:" + hashlib.sha256(email.encode()).hexdigest()
    try:
        store.put_record(Record(EMAIL_CLAIMS, claim, {"user_id": user_id}, key1=user_id), None)
    except Conflict as exc:
        raise AccountError("email", "An account with this email exists already.") from exc
    return claim


def save_user(store: Store, user: User, **changes: Any) -> User:
    """Compare-and-set update of a user (raises VersionConflict if it changed meanwhile)."""
    updated = User(**{**user.__dict__, **changes})
    if "role" in changes or "organization_id" in changes:
        _check_role(store, updated.role, updated.organization_id)
    version = store.put_record(_record(updated), user.version)
    return User(**{**updated.__dict__, "version": version})


def _check_role(store: Store, role: str, organization_id: str | None) -> None:
    if role not in ROLES:
        raise AccountError("role", f"Must be one of: {', '.join(ROLES)}.")
    if role == "provider" and not organization_id:
        raise AccountError("organization_id", "A provider belongs to an organization.")
    if role in STAFF and organization_id:
        # A caseworker may belong to an organization (it signs the referrals it makes).
        raise AccountError("organization_id", "Admins and coordinators have no organization.")
    if organization_id and store.get("organization", organization_id) is None:
        raise AccountError("organization_id", "No such organization.")


def may_grant(granter_role: str | None, role: str) -> bool:
    """Admins grant any role; coordinators any but admin; nobody else grants roles."""
    if granter_role == "admin":
        return True
    return granter_role == "coordinator" and role != "admin"


# -- invitations ------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invite(
    store: Store, email: str, role: str, organization_id: str | None, created_by: str
) -> tuple[Document, str]:
    """A single-use invitation; returns it and its secret token (shown once)."""
    email = email.strip().lower()
    _check_role(store, role, organization_id)
    if user_by_email(store, email) is not None:
        raise AccountError("email", "An account with this email exists already.")
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=INVITE_DAYS)
    doc: dict[str, Any] = {
        "id": str(uuid.uuid4()), "email": email, "role": role, "organization_id": organization_id,
        "created_by": created_by, "created_at": utc_now(),
        "expires_at": expires.isoformat(timespec="seconds"), "used_at": None,
    }  # fmt: skip
    store.put_record(
        Record(
            "invite", doc["id"], doc, key1=_token_hash(token), key2=email, sort=doc["created_at"]
        ),
        None,
    )
    return doc, token


def accept_invite(store: Store, token: str, name: str, password: str) -> User:
    """Use an invitation once: mark it used (compare-and-set), then create the user."""
    found = store.find_records("invite", key1=_token_hash(token), limit=1)
    invite = found[0] if found else None
    if invite is None or invite.doc["used_at"] or invite.doc["expires_at"] < utc_now():
        raise AccountError("token", "This invitation is not valid or has expired.")
    problems = password_problems(password, invite.doc["email"])
    if problems:
        raise AccountError("password", problems[0])
    if text_problem(name):  # checked before the invitation is spent
        raise AccountError("name", text_problem(name) or "")
    used = {**invite.doc, "used_at": utc_now()}
    try:
        store.put_record(Record("invite", invite.id, used, key1=invite.key1, key2=invite.key2,
                                sort=invite.sort), invite.version)  # fmt: skip
    except (VersionConflict, Conflict) as exc:
        raise AccountError("token", "This invitation is not valid or has expired.") from exc
    return create_user(store, invite.doc["email"], name, invite.doc["role"], password,
                       invite.doc["organization_id"])  # fmt: skip


def invite_for(store: Store, token: str) -> Document | None:
    """The invitation ``token`` opens, if it is still usable (nothing is spent)."""
    found = store.find_records("invite", key1=_token_hash(token), limit=1)
    invite = found[0].doc if found else None
    if invite is None or invite["used_at"] or invite["expires_at"] < utc_now():
        return None
    return invite


def pending_invites(store: Store, limit: int = 200) -> list[Document]:
    """Invitations neither used nor expired, oldest first (at most ``limit``)."""
    now = utc_now()
    return [
        r.doc
        for r in store.find_records("invite", limit=limit)
        if not r.doc["used_at"] and r.doc["expires_at"] >= now
    ]


def revoke_invite(store: Store, invite_id: str) -> bool:
    """Withdraw an invitation before it is used; whether there was one."""
    record = store.get_record("invite", invite_id)
    if record is None or record.doc["used_at"]:
        return False
    return store.delete_record("invite", invite_id)
