"""Plain data the matcher takes and returns.

These types are the whole interface between ``directory/`` and ``matching/``: the directory
turns stored listings into :class:`Candidate` objects and an HTTP request into a
:class:`MatchRequest`; the matcher returns a :class:`MatchResult`. Nothing here knows about
Flask, databases or geopy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

NEEDS: tuple[str, ...] = (
    "medical",
    "psychosocial",
    "legal",
    "safety",
    "shelter",
    "material",
    "livelihood",
    "education",
    "child_support",
    "case_management",
    "complaint",
)
"""Top-level need codes (UN Protocol on assistance to victims of SEA, 2019; GBV practice)."""

MODES: tuple[str, ...] = ("walking", "motorbike", "car")
SEXES: tuple[str, ...] = ("female", "male", "other")
AGE_GROUPS: tuple[str, ...] = ("child", "adult")
AUDIENCES: tuple[str, ...] = ("public", "staff")


@dataclass(frozen=True)
class OpeningHours:
    """One weekly opening interval in the location's local time.

    ``weekday`` is 0 for Monday to 6 for Sunday; ``opens`` and ``closes`` are ``"HH:MM"``.
    A ``closes`` earlier than ``opens`` means the interval runs past midnight into the next day.
    """

    weekday: int
    opens: str
    closes: str


@dataclass(frozen=True)
class Alert:
    """A provider's notice. A ``blocking`` alert removes the service until ``expires_at``."""

    text: str
    blocking: bool
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One service offered at one place (an HSDS service_at_location), as the matcher sees it.

    ``lat``/``lon`` are ``None`` for a remote service (hotline) and for a confidential location
    shown to the public: such candidates are matched by ``service_area`` coverage, never by
    distance. Empty ``sexes`` means every sex is served; ``None`` ages mean no bound.
    """

    service_id: str
    organization_id: str
    name: str
    organization_name: str
    needs: frozenset[str]
    location_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    tz: str = "Africa/Kinshasa"
    area_pcodes: frozenset[str] = frozenset()
    service_area: frozenset[str] = frozenset()
    remote: bool = False
    confidentiality: str = "public"
    approximate: bool = False
    """The point was taken from a place name: still ranked by it, but said to be approximate."""
    open_data: bool = False
    """A generic facility point from open data (OpenStreetMap): nothing about GBV care known."""
    has_phone: bool = True
    """Whether the service or its organization has a phone number to call before going."""
    status: str = "active"
    capabilities: frozenset[str] = frozenset()
    always_open: bool = False
    hours: tuple[OpeningHours, ...] = ()
    alert: Alert | None = None
    min_age: int | None = None
    max_age: int | None = None
    sexes: frozenset[str] = frozenset()
    accessibility: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    capacity_available: int | None = None
    capacity_updated_at: datetime | None = None
    last_verified_at: datetime | None = None
    stock_out: frozenset[str] = frozenset()
    refers_to: frozenset[str] = frozenset()
    """Organization ids this candidate's organization has referral agreements with."""


@dataclass(frozen=True)
class MatchRequest:
    """A survivor's needs, with no identity. ``at`` must be timezone-aware.

    ``area_pcodes`` are the administrative areas (province, territory) of the search point,
    used to match remote services by coverage. ``audience`` is ``"public"`` for the public
    page and ``"staff"`` for signed-in caseworkers and coordinators.
    """

    lat: float
    lon: float
    needs: tuple[str, ...]
    at: datetime
    area_pcodes: frozenset[str] = frozenset()
    hours_since_incident: float | None = None
    age: int | None = None
    age_group: str | None = None
    sex: str | None = None
    languages: frozenset[str] = frozenset()
    accessibility: frozenset[str] = frozenset()
    max_distance_km: float = 100.0
    limit: int = 3
    mode: str = "motorbike"
    audience: str = "public"


@dataclass(frozen=True)
class Note:
    """A reason or warning as a machine code plus parameters, so pages can translate it."""

    code: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Recommendation:
    """One ranked result for one need."""

    candidate: Candidate
    distance_km: float | None
    travel_minutes: int | None
    open_now: bool
    next_open: datetime | None
    score: float
    reasons: tuple[Note, ...] = ()
    warnings: tuple[Note, ...] = ()


@dataclass(frozen=True)
class NeedResult:
    """Results for one need: ranked nearby services, coverage-matched ones, and what is unmet."""

    need: str
    urgent: bool
    results: tuple[Recommendation, ...]
    remote: tuple[Recommendation, ...] = ()
    unmet: bool = False
    nearest_beyond: Recommendation | None = None
    messages: tuple[Note, ...] = ()
    opens_soonest: Recommendation | None = None
    """Urgent need with no service open now in range: the in-range one where care can start
    soonest once it opens (added by the matcher; ``None`` otherwise)."""
    left_out: tuple[LeftOut, ...] = ()
    """Services in range that meet the need but that a rule left out, by rule."""


@dataclass(frozen=True)
class LeftOut:
    """How many services in range meeting a need one rule left out (``rule`` is a rejection
    code of :mod:`matching.filters`), and for staff the nearest of them (its warnings empty)."""

    rule: str
    count: int
    nearest: Recommendation | None = None


@dataclass(frozen=True)
class CarePlanStop:
    """One stop of a care plan: where to go and which needs it covers."""

    recommendation: Recommendation
    needs: tuple[str, ...]
    reasons: tuple[Note, ...] = ()


@dataclass(frozen=True)
class MatchResult:
    """The matcher's whole answer."""

    needs: tuple[NeedResult, ...]
    care_plan: tuple[CarePlanStop, ...] = ()
    hotlines: tuple[Recommendation, ...] = ()
    uncovered: tuple[str, ...] = field(default_factory=tuple)
