"""What each caller may see of a listing (GUIDE §4.3): redaction applied on every read path.

Confidential locations are invisible to everyone but staff and their own provider; restricted
locations show their point and landmark only to signed-in caseworkers, staff and their own
provider. A service lists only the locations its reader may know about, and its exact
capacity only to referral staff and its own provider (the public sees ``places_available``:
``yes``, ``no`` or ``unknown``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from directory.core.rights import Principal, can_see_address, can_see_location, owns, sees_occupancy
from directory.store.base import Document, Store

HIDDEN_ADDRESS_FIELDS = ("latitude", "longitude", "description")
PLACES_STALE_DAYS = 7
"""A capacity counted longer ago than this tells the public nothing: ``unknown``."""


def present(store: Store, principal: Principal, kind: str, doc: Document) -> Document | None:
    """The document as ``principal`` may see it, or None if it must look missing."""
    if kind == "location":
        return present_location(principal, doc)
    if kind == "service":
        return present_service(store, principal, doc)
    return doc


def present_location(principal: Principal, doc: Document) -> Document | None:
    """Hide a confidential location entirely, and a restricted one's address from the public."""
    if not can_see_location(principal, doc):
        return None
    if can_see_address(principal, doc):
        return doc
    return {k: (None if k in HIDDEN_ADDRESS_FIELDS else v) for k, v in doc.items()}


def present_service(store: Store, principal: Principal, doc: Document) -> Document:
    """Drop the ids of locations the caller may not know about, and replace a capacity the
    caller may not read by whether places are available (:func:`places_available`)."""
    shown = _with_known_locations(store, principal, doc)
    if sees_occupancy(principal, doc) or not _counts_places(doc):
        return shown
    return {**shown, "capacity": None, "places_available": places_available(doc)}


def _with_known_locations(store: Store, principal: Principal, doc: Document) -> Document:
    if principal.is_staff or owns(principal, "service", doc) or not doc.get("location_ids"):
        return doc
    visible = []
    for location_id in doc["location_ids"]:
        location = store.get("location", location_id)
        if location is not None and can_see_location(principal, location):
            visible.append(location_id)
    return {**doc, "location_ids": visible}


def _counts_places(doc: Document) -> bool:
    return doc.get("capacity") is not None or "shelter" in doc.get("needs", ())


def places_available(doc: Document, now: datetime | None = None) -> str:
    """``yes``, ``no`` or ``unknown``: all the public learns of a service's capacity. A count
    older than :data:`PLACES_STALE_DAYS` (or without a date) is ``unknown``."""
    capacity = doc.get("capacity")
    if not capacity:
        return "unknown"
    try:
        counted = datetime.fromisoformat(str(capacity.get("updated_at")))
    except ValueError:
        return "unknown"
    if counted.tzinfo is None:
        counted = counted.replace(tzinfo=UTC)
    if (now or datetime.now(UTC)) - counted > timedelta(days=PLACES_STALE_DAYS):
        return "unknown"
    return "yes" if capacity.get("available", 0) > 0 else "no"
