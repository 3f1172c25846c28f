"""Factories and places shared by the matcher tests (imported as a plain module)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from matching import Candidate, MatchRequest, MatchResult, NeedResult, Note, Recommendation

AT = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
"""A Monday: 11:00 in Kinshasa (UTC+1), 12:00 in Goma and Lubumbashi (UTC+2)."""

GOMA = (-1.6792, 29.2228)
BUKAVU = (-2.5083, 28.8608)
KINSHASA = (-4.3217, 15.3126)
KINSHASA_TZ = "Africa/Kinshasa"
EAST_TZ = "Africa/Lubumbashi"


def offset(point: tuple[float, float], north_km: float, east_km: float) -> tuple[float, float]:
    """A point roughly ``north_km`` north and ``east_km`` east of ``point`` (small offsets)."""
    lat, lon = point
    return (lat + north_km / 110.57, lon + east_km / (111.32 * math.cos(math.radians(lat))))


def candidate(service_id: str = "svc-a", **fields: Any) -> Candidate:
    """An active, public, 24/7, recently verified medical service at Goma, unless overridden.

    ``at=(north_km, east_km)`` places it relative to Goma.
    """
    north, east = fields.pop("at", (0.0, 0.0))
    lat, lon = offset(GOMA, north, east)
    defaults: dict[str, Any] = {
        "service_id": service_id,
        "organization_id": f"org-{service_id}",
        "name": f"Service {service_id}",
        "organization_name": f"Organisation {service_id}",
        "needs": frozenset({"medical"}),
        "location_id": f"loc-{service_id}",
        "lat": lat,
        "lon": lon,
        "tz": EAST_TZ,
        "always_open": True,
        "last_verified_at": AT - timedelta(days=120),
        # GBV-specialised for each need it meets (trust level 0 while verified): a test of
        # the order of trust sets capabilities or open_data itself.
        "capabilities": frozenset({"cmr", "gbv_psychosocial", "gbv_legal_aid"}),
    }
    defaults.update(fields)
    return Candidate(**defaults)


def hotline(service_id: str = "hot-a", **fields: Any) -> Candidate:
    """A national 24/7 remote service for case management and complaints."""
    defaults: dict[str, Any] = {
        "needs": frozenset({"case_management", "complaint"}),
        "remote": True,
        "lat": None,
        "lon": None,
        "location_id": None,
    }
    defaults.update(fields)
    return candidate(service_id, **defaults)


def request(*needs: str, **fields: Any) -> MatchRequest:
    """A request at Goma at :data:`AT` for ``needs`` (default ``medical``)."""
    lat, lon = fields.pop("point", GOMA)
    defaults: dict[str, Any] = {
        "lat": lat,
        "lon": lon,
        "needs": needs or ("medical",),
        "at": AT,
    }
    defaults.update(fields)
    return MatchRequest(**defaults)


def need(result: MatchResult, code: str) -> NeedResult:
    """The :class:`NeedResult` for ``code``."""
    return next(r for r in result.needs if r.need == code)


def ids(recs: tuple[Recommendation, ...] | list[Recommendation]) -> list[str]:
    """The service ids of ``recs``, in order."""
    return [rec.candidate.service_id for rec in recs]


def codes(notes: tuple[Note, ...]) -> list[str]:
    """The codes of ``notes``, in order."""
    return [note.code for note in notes]


def param(notes: tuple[Note, ...], code: str, name: str) -> str | None:
    """The value of parameter ``name`` of the first note with ``code``."""
    for note in notes:
        if note.code == code:
            return dict(note.params).get(name)
    return None


def moved(c: Candidate, lat: float, lon: float) -> Candidate:
    """``c`` at another point."""
    return replace(c, lat=lat, lon=lon)
