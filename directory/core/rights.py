"""What a caller may do: the roles, the caller (:class:`Principal`), and the per-object rules.

Flask-free: the web layer (:mod:`directory.web.auth`) resolves the caller of a request; services,
the matchmaker and the visibility rules take a :class:`Principal` and ask these functions.
Per-object rules: :func:`can_write` and :func:`visible_tiers` — a provider may touch only its
own organization's listings; staff see every tier; caseworkers read restricted addresses.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from directory.store.base import Document, Store, Token

ROLES = ("admin", "coordinator", "caseworker", "provider")
STAFF = frozenset({"admin", "coordinator"})
CASEWORK = STAFF | {"caseworker"}
"""The roles that search as staff and refer survivors: caseworkers, coordinators, admins."""


@dataclass(frozen=True)
class Principal:
    """The caller. ``role`` is None for an anonymous visitor."""

    role: str | None = None
    organization_id: str | None = None
    actor: str = "anonymous"
    user_id: str | None = None
    via: str = "none"
    """How the caller authenticated: ``none``, ``token`` or ``session`` (cookie)."""

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF


ANONYMOUS = Principal()


def hash_secret(secret: str) -> str:
    """SHA-256 of a token secret. Secrets are 256-bit random, so a fast hash is sufficient."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    store: Store,
    role: str,
    label: str,
    organization_id: str | None = None,
    user_id: str | None = None,
) -> str:
    """Create an API token and return its secret (shown once, stored only as a hash)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if (role == "provider" and organization_id is None) or (
        role in STAFF and organization_id is not None
    ):
        raise ValueError("a provider token needs an organization; a staff token has none")
    secret = "njia_" + secrets.token_urlsafe(32)
    token = Token(str(uuid.uuid4()), role, label, organization_id, user_id=user_id)
    store.add_token(token, hash_secret(secret))
    return secret


def visible_tiers(principal: Principal) -> frozenset[str]:
    """Confidentiality tiers whose locations the caller may see in lists and searches.

    Confidential locations are listed only to staff; a provider sees its own through
    :func:`can_see_location`.
    """
    if principal.is_staff:
        return frozenset({"public", "restricted", "confidential"})
    return frozenset({"public", "restricted"})


def owns(principal: Principal, kind: str, doc: Document) -> bool:
    """True when the provider ``principal`` belongs to the listing's organization."""
    org = doc["id"] if kind == "organization" else doc.get("organization_id")
    if principal.role != "provider":  # a caseworker's organization owns no listings
        return False
    return principal.organization_id is not None and principal.organization_id == org


def can_see_location(principal: Principal, doc: Document) -> bool:
    """Whether the caller may know that this location exists."""
    if doc["confidentiality"] != "confidential":
        return True
    return principal.is_staff or owns(principal, "location", doc)


def sees_restricted_addresses(principal: Principal) -> bool:
    """Whether the caller may read every restricted location's point and landmark (a
    provider reads only its own: it searches locations by name, like the public)."""
    return principal.is_staff or principal.role == "caseworker"


def can_see_address(principal: Principal, doc: Document) -> bool:
    """Whether the caller may see a location's point and landmark description."""
    tier = doc["confidentiality"]
    if tier == "public":
        return True
    if principal.is_staff or owns(principal, "location", doc):
        return True
    return tier == "restricted" and principal.role == "caseworker"


def can_write(principal: Principal, kind: str, doc: Document) -> bool:
    """Staff write anything; a provider writes its own organization's listings only and
    may not create organizations."""
    if principal.is_staff:
        return True
    if principal.role != "provider":
        return False
    return owns(principal, kind, doc)


def sees_occupancy(principal: Principal, doc: Document) -> bool:
    """Whether the caller may read a service's exact capacity (places, total, when counted):
    signed-in referral staff (admins, coordinators, caseworkers) and the service's own
    provider. Everyone else sees at most whether places are available (GUIDE §4.11): each
    change of the count times an admission."""
    return principal.is_staff or principal.role == "caseworker" or owns(principal, "service", doc)
