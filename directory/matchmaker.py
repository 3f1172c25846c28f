"""Between the web and the pure matcher: gather candidates from the store, call
:func:`matching.match`, and turn the result into JSON the pages and the API share.

Nothing about a request is stored or logged except counts. Confidential locations never reach
the matcher with their point: the store's spatial search skips them and they come back, without
a location, through the areas their service covers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import matching
from directory.auth import Principal
from directory.gazetteer import get_gazetteer
from directory.store.base import CandidateRow, Document, Store
from directory.taxonomy import get_taxonomy
from matching.match import HOTLINE_NEEDS

log = logging.getLogger(__name__)
STAFF_AUDIENCE_ROLES = frozenset({"caseworker", "coordinator", "admin"})
WIDER_RADIUS_KM = 1000.0
ACCESSIBILITY_CAPABILITIES = frozenset({"sign_language", "wheelchair", "interpreter"})


@dataclass(frozen=True)
class Point:
    """Where to search from, with the areas (P-codes) it lies in and its time zone."""

    lat: float
    lon: float
    area_pcodes: frozenset[str]
    tz: str


def point_from(lat: float, lon: float) -> Point:
    """A search point described by the gazetteer (province P-code and time zone)."""
    near = get_gazetteer().nearest(lat, lon)
    if near is None:
        return Point(lat, lon, frozenset(), "Africa/Kinshasa")
    return Point(lat, lon, frozenset({near[0].province_pcode}), near[0].tz)


def audience_of(principal: Principal) -> str:
    """``staff`` for signed-in caseworkers and coordinators, else ``public``."""
    return "staff" if principal.role in STAFF_AUDIENCE_ROLES else "public"


def run_match(store: Store, point: Point, options: dict[str, Any], audience: str) -> dict[str, Any]:
    """Match ``options`` (validated request fields) at ``point`` and return the JSON answer."""
    request = matching.MatchRequest(
        lat=point.lat,
        lon=point.lon,
        area_pcodes=point.area_pcodes,
        audience=audience,
        **options,
    )
    tiers = frozenset({"public", "restricted"} if audience == "staff" else {"public"})
    rows = _gather(store, point, request.needs, request.max_distance_km, tiers)
    result = matching.match(request, _candidates(rows, point))
    unmet = [n.need for n in result.needs if not n.results]
    if unmet and request.max_distance_km < WIDER_RADIUS_KM:
        rows += store.candidates_near(point.lat, point.lon, WIDER_RADIUS_KM, unmet, tiers)
        result = matching.match(request, _candidates(rows, point))
    log.info("match: %d needs, %d candidates", len(request.needs), len(rows))
    return MatchJson(rows, audience).result(result)


def _gather(
    store: Store, point: Point, needs: Iterable[str], radius: float, tiers: frozenset[str]
) -> list[CandidateRow]:
    needs = list(needs)
    rows = store.candidates_near(point.lat, point.lon, radius, needs, tiers)
    if point.area_pcodes:
        rows += store.candidates_by_area(point.area_pcodes, [*needs, *HOTLINE_NEEDS])
    return rows


def _candidates(rows: list[CandidateRow], point: Point) -> list[matching.Candidate]:
    seen: set[tuple[str, str | None]] = set()
    candidates = []
    for row in rows:
        key = (row.service["id"], row.location["id"] if row.location else None)
        if key not in seen:
            seen.add(key)
            candidates.append(to_candidate(row, point.tz))
    return candidates


def to_candidate(row: CandidateRow, default_tz: str) -> matching.Candidate:
    """The matcher's view of one service at one location (or at none)."""
    s, o = row.service, row.organization
    schedule, eligibility, capacity = s["schedule"], s["eligibility"], s["capacity"] or {}
    return matching.Candidate(
        service_id=s["id"],
        organization_id=o["id"],
        name=s["name"],
        organization_name=o["name"],
        needs=frozenset(s["needs"]),
        service_area=frozenset(s["service_area"]),
        remote=s["remote"],
        status=s["status"],
        capabilities=frozenset(s["capabilities"]),
        always_open=schedule["always_open"],
        hours=tuple(
            matching.OpeningHours(h["weekday"], h["opens"], h["closes"]) for h in schedule["hours"]
        ),
        alert=_alert(s["alert"]),
        min_age=eligibility["min_age"],
        max_age=eligibility["max_age"],
        sexes=frozenset(eligibility["sexes"]),
        languages=frozenset(s["languages"]),
        capacity_available=capacity.get("available"),
        capacity_updated_at=_time(capacity.get("updated_at")),
        last_verified_at=_time(s["last_verified_at"]),
        stock_out=frozenset(s["stock_out"]),
        refers_to=row.refers_to,
        **_place_fields(row, default_tz),
    )


def _place_fields(row: CandidateRow, default_tz: str) -> dict[str, Any]:
    """Where the candidate is, or, without a location, how it is reached (coverage)."""
    service_access = set(row.service["capabilities"]) & ACCESSIBILITY_CAPABILITIES
    loc = row.location
    if loc is None:
        tier = "public" if row.service["remote"] else "confidential"
        return {"tz": default_tz, "confidentiality": tier,
                "accessibility": frozenset(service_access)}  # fmt: skip
    return {
        "location_id": loc["id"],
        "lat": loc["latitude"],
        "lon": loc["longitude"],
        "tz": loc["tz"] or default_tz,
        "area_pcodes": frozenset(p for p in (loc["adm1_pcode"], loc["adm2_pcode"]) if p),
        "confidentiality": loc["confidentiality"],
        "accessibility": frozenset(loc["accessibility"]) | service_access,
    }


def _alert(alert: Document | None) -> matching.Alert | None:
    if not alert:
        return None
    return matching.Alert(alert["text"], alert["blocking"], _time(alert["expires_at"]))


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class MatchJson:
    """Serialises a :class:`matching.MatchResult` with the display fields of each listing."""

    def __init__(self, rows: list[CandidateRow], audience: str) -> None:
        self.audience = audience
        self.rows = {(r.service["id"], r.location["id"] if r.location else None): r for r in rows}

    def result(self, result: matching.MatchResult) -> dict[str, Any]:
        """The whole answer."""
        return {
            "needs": [self.need(n) for n in result.needs],
            "care_plan": [self.stop(s) for s in result.care_plan],
            "hotlines": [self.recommendation(r) for r in result.hotlines],
            "uncovered": list(result.uncovered),
        }

    def need(self, n: matching.NeedResult) -> dict[str, Any]:
        """One need's lists and messages."""
        one = self.recommendation
        return {
            "need": n.need,
            "urgent": n.urgent,
            "unmet": n.unmet,
            "results": [one(r) for r in n.results],
            "remote": [one(r) for r in n.remote],
            "nearest_beyond": one(n.nearest_beyond) if n.nearest_beyond else None,
            "opens_soonest": one(n.opens_soonest) if n.opens_soonest else None,
            "messages": [note(m) for m in n.messages],
        }

    def stop(self, stop: matching.CarePlanStop) -> dict[str, Any]:
        """One stop of the care plan."""
        return {
            **self.recommendation(stop.recommendation),
            "covers": list(stop.needs),
            "stop_reasons": [note(r) for r in stop.reasons],
        }

    def recommendation(self, rec: matching.Recommendation) -> dict[str, Any]:
        """One result with what a person needs to get there: names, phones, place in words."""
        c = rec.candidate
        row = self.rows[(c.service_id, c.location_id)]
        return {
            "service": _service(row.service),
            "organization": {"id": c.organization_id, "name": c.organization_name,
                             "phones": row.organization["phones"]},
            "location": _location(row.location) if c.lat is not None else None,
            "distance_km": None if rec.distance_km is None else round(rec.distance_km, 1),
            "travel_minutes": rec.travel_minutes,
            "open_now": rec.open_now,
            "next_open": rec.next_open.isoformat() if rec.next_open else None,
            "reasons": [note(r) for r in rec.reasons],
            "warnings": [note(w) for w in rec.warnings],
        }  # fmt: skip


def _service(s: Document) -> dict[str, Any]:
    keys = ("id", "name", "description", "needs", "capabilities", "phones", "languages",
            "schedule", "remote", "last_verified_at", "demo", "source")  # fmt: skip
    return {k: s[k] for k in keys}


def _location(loc: Document | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    keys = ("id", "name", "description", "latitude", "longitude", "adm1_pcode", "adm2_pcode",
            "tz", "accessibility", "confidentiality")  # fmt: skip
    province = get_taxonomy().areas.get(loc["adm1_pcode"])
    return {**{k: loc[k] for k in keys}, "province": province.name if province else None}


def note(n: matching.Note) -> dict[str, Any]:
    """A reason, warning or message as ``{"code": ..., "params": {...}}``."""
    return {"code": n.code, "params": dict(n.params)}
