"""Everything the matcher needs to know about one candidate for one request, computed once.

:func:`assess` applies the confidentiality rule (a confidential location asked for by the public
audience loses its point and its areas before anything else looks at it), measures distance and
travel time, evaluates the opening hours at the request's instant in the location's own zone, and
runs the hard filters of :mod:`matching.filters` for every requested need.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from . import filters, geo, hours
from .clinical import Urgency
from .model import Candidate, MatchRequest


@dataclass(frozen=True)
class Assessed:
    """One candidate as judged for one request.

    ``candidate`` is redacted when ``withheld``. ``distance_km``, ``minutes`` (exact travel
    estimate) and ``travel_minutes`` (rounded up) are ``None`` for point-less candidates.
    ``rejection`` is the first need-independent filter failed (see :mod:`matching.filters`).
    ``eligible`` holds the requested needs whose filters pass; ``eligible_when_open`` the same
    judged as if the place were open (they differ only for an urgent medical need).
    ``in_reach`` is "within ``max_distance_km``" for a candidate with a point and "covers the
    request's area" for a point-less one.
    """

    candidate: Candidate
    distance_km: float | None
    minutes: float | None
    travel_minutes: int | None
    open_now: bool
    next_open: datetime | None
    rejection: str | None
    eligible: frozenset[str]
    eligible_when_open: frozenset[str]
    in_reach: bool
    withheld: bool
    stocked_out: frozenset[str] = frozenset()
    """Requested needs it serves only without the clinical window's treatment: an urgent
    ``medical`` need at a place open now whose treatment is out of stock. It still gives its
    other care (:meth:`passes`), ranked after every place that can give the treatment now."""

    @property
    def has_point(self) -> bool:
        """Whether the candidate is placed, and so ordered, by distance."""
        return self.distance_km is not None

    @property
    def key(self) -> tuple[str, str]:
        """The identity used to break ties: ``(service_id, location_id or "")``."""
        return (self.candidate.service_id, self.candidate.location_id or "")

    def passes(self, need: str) -> bool:
        """Whether it is offered for ``need`` (every filter but reach passes, or it serves the
        need without an out-of-stock treatment)."""
        return self.rejection is None and (need in self.eligible or need in self.stocked_out)

    def gives_now(self, need: str) -> bool:
        """Whether every filter but reach passes for ``need``: for an urgent need, it can give
        the window's treatment now."""
        return self.rejection is None and need in self.eligible


def withholds_point(candidate: Candidate, request: MatchRequest) -> bool:
    """Whether the candidate is reached through its front door only: a confidential location
    for the public audience (its point is ignored), or one given without its point (staff who
    may not see it)."""
    if candidate.confidentiality != "confidential":
        return False
    return request.audience != "staff" or candidate.lat is None or candidate.lon is None


def assess(candidate: Candidate, request: MatchRequest, urgency: Urgency | None) -> Assessed:
    """Judge ``candidate`` for ``request`` (whose ``at`` is timezone-aware)."""
    withheld = withholds_point(candidate, request)
    placed = candidate.lat is not None or candidate.lon is not None or candidate.area_pcodes
    if withheld and placed:
        candidate = replace(candidate, lat=None, lon=None, area_pcodes=frozenset())
    distance = minutes = travel = None
    if not candidate.remote and candidate.lat is not None and candidate.lon is not None:
        distance = geo.distance_km(request.lat, request.lon, candidate.lat, candidate.lon)
        minutes = geo.travel_minutes_exact(distance, request.mode)
        travel = geo.travel_minutes(distance, request.mode)
    open_now, next_open = hours.opening_state(
        candidate.hours, candidate.tz, request.at, candidate.always_open
    )
    eligible = frozenset(
        need
        for need in request.needs
        if filters.need_rejection(candidate, need, urgency, open_now) is None
    )
    eligible_when_open = frozenset(
        need
        for need in request.needs
        if filters.need_rejection(candidate, need, urgency, open_now=True) is None
    )
    stocked_out = frozenset(
        need
        for need in request.needs
        if open_now
        and filters.need_rejection(candidate, need, urgency, open_now) == filters.STOCK_OUT
    )
    if distance is not None:
        in_reach = distance <= request.max_distance_km
    else:
        in_reach = filters.covers(candidate, request)
    return Assessed(
        candidate=candidate,
        distance_km=distance,
        minutes=minutes,
        travel_minutes=travel,
        open_now=open_now,
        next_open=next_open,
        rejection=filters.general_rejection(candidate, request),
        eligible=eligible,
        eligible_when_open=eligible_when_open,
        in_reach=in_reach,
        withheld=withheld,
        stocked_out=stocked_out,
    )
