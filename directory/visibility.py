"""What each caller may see of a listing (GUIDE §4.3): redaction applied on every read path.

Confidential locations are invisible to everyone but staff and their own provider; restricted
locations show their point and landmark only to signed-in caseworkers, staff and their own
provider. A service lists only the locations its reader may know about.
"""

from __future__ import annotations

from directory.auth import Principal, can_see_address, can_see_location, owns
from directory.store.base import Document, Store

HIDDEN_ADDRESS_FIELDS = ("latitude", "longitude", "description")


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
    """Drop the ids of locations the caller may not know about."""
    if principal.is_staff or owns(principal, "service", doc) or not doc.get("location_ids"):
        return doc
    visible = []
    for location_id in doc["location_ids"]:
        location = store.get("location", location_id)
        if location is not None and can_see_location(principal, location):
            visible.append(location_id)
    return {**doc, "location_ids": visible}
