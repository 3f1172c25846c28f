"""The public page of one service: what it offers, where in words, when open, how to reach it.

``GET /services/<id>`` shows the service as an anonymous visitor may see it
(:func:`directory.core.visibility.present` with :data:`directory.web.auth.ANONYMOUS`): public
locations
with their landmark and nearest place, restricted ones by province only, and confidential ones
not at all — a service with a confidential location shows its front-door phones instead.
Unknown ids answer 404. Like every public page: no cookie, nothing from another origin.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, render_template

from directory.core.rights import ANONYMOUS
from directory.core.visibility import present
from directory.pages import search, wording
from directory.store import get_store
from directory.store.base import Document, Store
from directory.web import i18n
from directory.web.auth import access
from matching import OpeningHours
from matching.hours import is_open, next_opening

blp = Blueprint("provider", __name__)


@blp.get("/services/<uuid:service_id>")
@access("public")
def service_page(service_id: uuid.UUID) -> str:
    """One service at the locations the public may know about; 404 if unknown."""
    store = get_store()
    doc = store.get("service", str(service_id))
    if doc is None:
        abort(404)
    shown = present(store, ANONYMOUS, "service", doc)
    assert shown is not None  # services are never hidden, only their confidential locations
    organization = store.get("organization", doc["organization_id"]) or {"name": "", "phones": []}
    places = [_place(store, shown, location_id) for location_id in shown["location_ids"]]
    return render_template(
        "provider.html",
        service=shown,
        organization=organization,
        places=[p for p in places if p is not None],
        front_door_only=len(shown["location_ids"]) < len(doc["location_ids"]),
        phones=wording.phone_links(shown["phones"], organization["phones"]),
        hours=i18n.weekly_hours(shown["schedule"]),
    )


def _place(store: Store, service: Document, location_id: str) -> dict[str, Any] | None:
    """A visible location in words, with whether the service is open there now."""
    stored = store.get("location", location_id)
    location = present(store, ANONYMOUS, "location", stored) if stored else None
    if location is None:
        return None
    return {
        "name": location["name"],
        "directions": wording.directions(location),
        "status": _status(service, location["tz"] or "Africa/Kinshasa", search.now()),
    }


def _status(service: Document, tz: str, at: datetime) -> tuple[str, str]:
    """Open now, or when it opens next, in the location's own zone (as the matcher judges)."""
    schedule = service["schedule"]
    hours = tuple(OpeningHours(h["weekday"], h["opens"], h["closes"]) for h in schedule["hours"])
    opened = is_open(hours, tz, at, schedule["always_open"])
    upcoming = None if opened else next_opening(hours, tz, at)
    rec = {
        "location": {},
        "service": service,
        "open_now": opened,
        "next_open": upcoming.isoformat() if upcoming else None,
    }
    status = wording.opening(rec)
    assert status is not None
    return status
