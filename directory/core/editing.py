"""Editing a listing, the same way for the API and the pages.

A write is validated whole after the change is merged in, authorised per object, and stored by
compare-and-set against the version the editor read. A provider may not verify its own listing
or lower a location's confidentiality, and its changes of sensitive fields are held for a
coordinator (see :mod:`directory.core.workflow`), on creation as on an edit: a provider's new
service waits, retired, until a coordinator activates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from directory.core import workflow
from directory.core.rights import Principal, can_write
from directory.core.schemas import canonical
from directory.store.base import Document, NotFound, Store, VersionConflict

IMMUTABLE = ("organization_id",)
PROVIDER_LOCKED = ("last_verified_at", "last_confirmed_at")


@dataclass(frozen=True)
class EditResult:
    """The listing after the edit, and the changes held for review (if any)."""

    listing: Document
    pending: tuple[Document, ...] = ()


def read_writable(store: Store, principal: Principal, kind: str, entity_id: str) -> Document:
    """The listing if ``principal`` may change it; raises :class:`NotFound` otherwise, exactly
    like a missing one (the web layer answers 404)."""
    doc = store.get(kind, entity_id)
    if doc is None or not can_write(principal, kind, doc):
        raise NotFound(f"{kind} {entity_id}")
    return doc


def apply_edit(
    store: Store,
    principal: Principal,
    kind: str,
    current: Document,
    changes: dict[str, Any],
    version: int,
) -> EditResult:
    """Merge ``changes`` into ``current`` (which the caller may write) and store it.

    Raises ValidationError (a field is bad or may not be changed by this caller) or
    VersionConflict (``version`` is not the current one); on any error nothing changes.
    """
    merged = canonical(kind, {**workflow.editable(current), **changes})
    check_immutable(current, merged)
    held: dict[str, Any] = {}
    if principal.role == "provider":
        check_provider_fields(kind, current, merged)
        merged, held = workflow.split_sensitive(kind, current, merged)
    stored = current
    if merged != workflow.editable(current):
        stored = store.update(kind, current["id"], merged, version, principal.actor)
    elif version != current["version"]:
        raise VersionConflict(current["version"])
    if not held:
        return EditResult(stored)
    queued = workflow.queue_change(store, kind, current["id"], stored["version"], held,
                                   principal.actor)  # fmt: skip
    return EditResult(stored, (queued,))


def create(store: Store, principal: Principal, kind: str, doc: Document) -> EditResult:
    """Store a new listing (``doc`` carries its id; the caller may write it).

    A provider's new service is stored retired and its activation queued for a coordinator
    (:func:`directory.core.workflow.split_new_service`).
    """
    held: Document = {}
    if principal.role == "provider":
        check_provider_fields(kind, {}, doc)
        if kind == "service":
            doc, held = workflow.split_new_service(doc)
    stored = store.create(kind, doc, principal.actor)
    if not held:
        return EditResult(stored)
    queued = workflow.queue_change(store, kind, doc["id"], stored["version"], held,
                                   principal.actor)  # fmt: skip
    return EditResult(stored, (queued,))


def check_immutable(current: Document, merged: Document) -> None:
    """``organization_id`` never changes once a listing exists."""
    errors = {f: ["Cannot be changed."] for f in IMMUTABLE if current.get(f) != merged.get(f)}
    if errors:
        raise ValidationError(errors)


def check_provider_fields(kind: str, current: Document, merged: Document) -> None:
    """Providers may not verify their own listings or lower a location's confidentiality."""
    errors = {
        f: ["Only a coordinator can set this."]
        for f in PROVIDER_LOCKED
        if merged.get(f) != current.get(f)
    }
    lowered = (
        kind == "location"
        and current
        and (
            workflow.TIER_RANK[merged["confidentiality"]]
            < workflow.TIER_RANK[current["confidentiality"]]
        )
    )
    if lowered:
        errors["confidentiality"] = ["Only a coordinator can lower confidentiality."]
    if errors:
        raise ValidationError(errors)
