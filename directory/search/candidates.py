"""The matcher's view of a store row: a :class:`matching.Candidate` from the documents of a
service, its organization and its location (or, for a service matched by area, the facts of
its place without its point)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import matching
from directory.core.schemas import OPEN_DATA_SOURCE
from directory.store.base import CandidateRow, Document

ACCESSIBILITY_CAPABILITIES = frozenset({"sign_language", "wheelchair", "interpreter"})


def to_candidate(
    row: CandidateRow, default_tz: str, share: Callable[[Any], Any] | None = None
) -> matching.Candidate:
    """The matcher's view of one service at one location (or at none). With ``share``, every
    value many candidates have alike (codes, sets of codes, hours, the organization) is passed
    through it, so that a caller keeping many candidates keeps one copy of each
    (``share = shared.setdefault`` with ``v, v``)."""
    sh = share or _same
    s, o = row.service, row.organization
    schedule, eligibility, capacity = s["schedule"], s["eligibility"], s["capacity"] or {}
    return matching.Candidate(
        service_id=s["id"],
        organization_id=sh(o["id"]),
        name=s["name"],
        organization_name=sh(o["name"]),
        needs=sh(frozenset(s["needs"])),
        service_area=sh(frozenset(s["service_area"])),
        remote=s["remote"],
        status=sh(s["status"]),
        capabilities=sh(frozenset(s["capabilities"])),
        always_open=schedule["always_open"],
        hours=sh(
            tuple(
                matching.OpeningHours(h["weekday"], h["opens"], h["closes"])
                for h in schedule["hours"]
            )
        ),
        alert=_alert(s["alert"]),
        min_age=eligibility["min_age"],
        max_age=eligibility["max_age"],
        sexes=sh(frozenset(eligibility["sexes"])),
        languages=sh(frozenset(s["languages"])),
        capacity_available=capacity.get("available"),
        capacity_updated_at=_time(capacity.get("updated_at")),
        last_verified_at=_freshest(s.get("last_verified_at"), s.get("last_confirmed_at")),
        stock_out=sh(frozenset(s["stock_out"])),
        refers_to=sh(row.refers_to),
        open_data=s.get("source") == OPEN_DATA_SOURCE,
        has_phone=bool(s["phones"] or o.get("phones")),
        **_place_fields(row, default_tz, sh),
    )


def _place_fields(row: CandidateRow, default_tz: str, sh: Callable[[Any], Any]) -> dict[str, Any]:
    """Where the candidate is, or, without a location, how it is reached (coverage)."""
    service_access = set(row.service["capabilities"]) & ACCESSIBILITY_CAPABILITIES
    loc = row.location
    if row.key[1] is None:  # matched by area: never a point, but its place's facts
        tier = "public" if row.service["remote"] else "confidential"
        place_access = set(loc["accessibility"]) if loc else set()
        return {"tz": sh((loc["tz"] if loc else None) or default_tz), "confidentiality": tier,
                "accessibility": sh(frozenset(place_access | service_access))}  # fmt: skip
    assert loc is not None
    return {
        "location_id": loc["id"],
        "lat": loc["latitude"],
        "lon": loc["longitude"],
        "tz": sh(loc["tz"] or default_tz),
        "area_pcodes": sh(frozenset(p for p in (loc["adm1_pcode"], loc["adm2_pcode"]) if p)),
        "confidentiality": sh(loc["confidentiality"]),
        "approximate": bool(loc.get("approximate")),
        "accessibility": sh(frozenset(loc["accessibility"]) | service_access),
    }


def _alert(alert: Document | None) -> matching.Alert | None:
    if not alert:
        return None
    return matching.Alert(alert["text"], alert["blocking"], _time(alert["expires_at"]))


def _freshest(verified: str | None, confirmed: str | None) -> datetime | None:
    """A provider's "still accurate" counts as a check, like a coordinator's verification."""
    times = [t for t in (_time(verified), _time(confirmed)) if t is not None]
    return max(times, default=None)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _same(value: Any) -> Any:
    return value
