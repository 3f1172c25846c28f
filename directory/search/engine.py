"""Between the web and the pure matcher: gather candidates from the store, call
:func:`matching.match`, and turn the result into JSON the pages and the API share
(:mod:`directory.search.answer`).

Nothing about a request is stored or logged except counts. Confidential locations never reach
the matcher with their point: the store's spatial search skips them and they come back, without
a location, through the areas their service covers.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import matching
from directory.core.rights import CASEWORK, Principal
from directory.places.gazetteer import get_gazetteer
from directory.search.answer import MatchJson
from directory.search.candidates import to_candidate
from directory.search.index import MatchIndex, NearRow
from directory.store.base import CandidateRow, Store
from matching import geo, rank
from matching.careplan import POOL_PER_NEED
from matching.match import HOTLINE_NEEDS

log = logging.getLogger(__name__)
WIDER_RADIUS_KM = 1000.0
FIRST_RADIUS_KM = 2.0
"""The first radius of the widening candidate search (see :class:`_Search`)."""
FRESH_ATTEMPTS = 3
"""Matches through the index before the store alone answers, when the directory changes
between each search and the read of its results."""
RADIUS_GROWTH = 4.0
"""How much the radius grows when a need has fewer than ``limit`` results so far."""
CONDITIONAL_BONUSES = {
    "one_stop": lambda request: len(request.needs) >= 2,
    "speaks_language": lambda request: bool(request.languages),
}
"""Score bonuses that cannot apply to some requests; any other bonus is assumed possible."""
CONFIDENTIAL_BATCH = 2
"""Services at confidential locations are read ``CONFIDENTIAL_BATCH × limit`` at first (see
:meth:`_Search.covering`)."""


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
    return "staff" if principal.role in CASEWORK else "public"


def run_match(
    store: Store,
    point: Point,
    options: dict[str, Any],
    audience: str,
    sees_confidential: bool = False,
    index: MatchIndex | None = None,
) -> dict[str, Any]:
    """Match ``options`` (validated request fields) at ``point`` and return the JSON answer.

    With an ``index`` that is ready (:mod:`directory.search.index`), services near the point
    are found in memory and only the documents of those shown are read from the store; the
    answer is the same.

    ``audience`` ``staff`` (caseworkers, coordinators) also reads restricted locations; with
    ``sees_confidential`` (coordinators and admins, who may see safe shelters) confidential
    services come with their point and distance. Everyone else reaches a confidential
    service through its front door only: matched by area, never a place, distance or rank.
    """
    request = matching.MatchRequest(
        lat=point.lat,
        lon=point.lon,
        area_pcodes=point.area_pcodes,
        audience=audience,
        **options,
    )
    tiers = frozenset({"public", "restricted"} if audience == "staff" else {"public"})
    if sees_confidential and audience == "staff":
        tiers |= {"confidential"}
    if index is not None:
        found = _through_index(store, index, point, request, tiers)
        if found is not None:
            return MatchJson(found[0], audience).result(found[1])
    rows, result = _search(_Search(store, store, point, request, tiers), request)
    return MatchJson([r for r in rows if isinstance(r, CandidateRow)], audience).result(result)


def _through_index(
    store: Store,
    index: MatchIndex,
    point: Point,
    request: matching.MatchRequest,
    tiers: frozenset[str],
) -> tuple[list[CandidateRow], matching.MatchResult] | None:
    """The rows and answer of a search through ``index``, fresh: the results' documents are
    read with the store's change mark, and when the directory changed since the index's mark
    the index catches up and searches again. None when the index is not built yet, or the
    directory changed between each of ``FRESH_ATTEMPTS`` searches and its read."""
    for _attempt in range(FRESH_ATTEMPTS):
        if not index.ready():
            return None
        seen = index.mark
        rows, result = _search(_Search(store, index, point, request, tiers), request)
        mark, shown = _with_documents(store, rows, result)
        if shown is not None and mark == seen == index.mark:
            return shown, result
        index.refresh()
    return None


def _search(
    search: _Search, request: matching.MatchRequest
) -> tuple[list[Row], matching.MatchResult]:
    """The rows read and the matcher's answer: within ``max_distance_km``, then beyond it for
    the needs with nothing there."""
    rows, result = search.widening()
    unmet = [n.need for n in result.needs if not _gives_now(n)]
    if unmet and request.max_distance_km < WIDER_RADIUS_KM:
        rows, result = search.beyond(rows, unmet)
    log.info("match: %d needs, %d candidates", len(request.needs), len(rows))
    return rows, result


def _with_documents(
    store: Store, rows: list[Row], result: matching.MatchResult
) -> tuple[tuple[int, int], list[CandidateRow] | None]:
    """The store's change mark, and ``rows`` for the answer: the store's rows as they are, and
    for the services the answer shows from the index, their rows read from the store with the
    mark (None if one is gone)."""
    shown = _shown_keys(result)
    near = {row.key for row in rows if isinstance(row, NearRow) and row.key in shown}
    mark, read = store.marked_candidates({service_id for service_id, _ in near})
    fetched = {row.key: row for row in read}
    if not near <= fetched.keys():
        return mark, None
    kept = [row for row in rows if isinstance(row, CandidateRow)]
    return mark, kept + [fetched[key] for key in near]


def _shown_keys(result: matching.MatchResult) -> set[tuple[str, str | None]]:
    """The (service, location) of every recommendation the answer shows."""
    shown: list[matching.Recommendation | None] = [*result.hotlines]
    shown += [stop.recommendation for stop in result.care_plan]
    for need in result.needs:
        shown += [*need.results, *need.remote, need.nearest_beyond, need.opens_soonest]
        shown += [left.nearest for left in need.left_out]
    return {(r.candidate.service_id, r.candidate.location_id) for r in shown if r is not None}


Row = CandidateRow | NearRow
"""A row of the search: read from the store, or from the match index."""


def _near(
    nearby: Store | MatchIndex,
    point: Point,
    radius: float,
    needs: Iterable[str],
    tiers: frozenset[str],
    searched: float | None,
) -> list[Row]:
    """Services with a place near the point, but not those already read within ``searched``.
    Remote services are left out: they are matched by the areas they cover
    (``candidates_by_area``), never by where their office is."""
    rows = nearby.candidates_near(point.lat, point.lon, radius, list(needs), tiers, searched)
    return [row for row in rows if not row.remote]


class _Search:
    """One request's candidate search: radii that grow only as far as the answer needs.

    Each need has its own radius. Every service meeting a need that the store did not return
    is farther than that need's radius, so its travel time, and so its score, is at least a
    bound (:func:`_radius_needed`). Within ``max_distance_km`` a need's list is final when it
    has ``limit`` results, all scoring below that bound, the nearest of them within the radius;
    with ``limit`` at least the care plan's pool per need, its pool is final too. The care plan
    also reads where its pool members rank in other needs' lists, but only to compare them:
    services not read rank after every read one that could change that comparison. So when
    every need's list is final, so is the whole answer. Otherwise the radii of the needs not
    final grow, up to ``max_distance_km``, where the search is the full one.
    Beyond it (needs with nothing in range) only the nearest service matters, so the radius
    grows until that one is found or the wider radius is reached.

    Services matched by the areas they cover are read once (:meth:`covering`).
    """

    def __init__(
        self,
        store: Store,
        nearby: Store | MatchIndex,
        point: Point,
        request: matching.MatchRequest,
        tiers: frozenset[str],
    ) -> None:
        self.store, self.nearby, self.point, self.request = store, nearby, point, request
        self.tiers = tiers
        self.made: dict[tuple[str, str | None], matching.Candidate] = {}
        self.area_rows: list[Row] = list(self.covering()) if point.area_pcodes else []
        self.near_rows: list[Row] = []
        self.searched: dict[str, float] = {}

    def read(self, radius: dict[str, float]) -> list[Row]:
        """Services with a place within each need's ``radius`` meeting that need, each ring
        read once (needs at the same radius in one query)."""
        groups: dict[tuple[float, float | None], list[str]] = {}
        for need, km in radius.items():
            before = self.searched.get(need)
            if before is None or km > before:
                groups.setdefault((km, before), []).append(need)
        for (km, before), needs in groups.items():
            self.near_rows += _near(self.nearby, self.point, km, needs, self.tiers, before)
            self.searched.update(dict.fromkeys(needs, km))
        return self.near_rows

    def covering(self) -> list[CandidateRow]:
        """Every remote service covering the point's areas, and of the services at confidential
        locations covering them, only those the answer can show.

        Those (point-less, not remote) appear only in the ``remote`` list of a need they meet:
        its first ``limit`` passing point-less candidates in name order, hotlines included.
        Once a prefix, in that order (the store's), of the services meeting a need holds
        ``limit`` passing ones, the rest cannot change that list; the prefix doubles until it
        does or holds them all.
        """
        request = self.request
        rows = self.nearby.candidates_by_area(self.point.area_pcodes, request.needs, HOTLINE_NEEDS)
        if "confidential" in self.tiers:  # read with their point by the near search
            return [row for row in rows if row.remote]
        hidden = [row for row in rows if not row.remote]
        chosen: set[int] = set()
        for need in request.needs:
            meeting = [i for i, row in enumerate(hidden) if need in row.needs]
            taken = self._prefix(need, [hidden[i] for i in meeting])
            chosen.update(meeting[:taken])
        return [row for row in rows if row.remote] + [hidden[i] for i in sorted(chosen)]

    def _prefix(self, need: str, rows: list[Row]) -> int:
        """How many of ``rows`` (meeting ``need``, in name order) ``need``'s list can show."""
        taken = min(len(rows), self.request.limit * CONFIDENTIAL_BATCH)
        while taken < len(rows) and not self._fills(need, rows[:taken]):
            taken = min(len(rows), taken * 2)
        return taken

    def _fills(self, need: str, rows: list[Row]) -> bool:
        """Whether ``rows`` alone fill ``need``'s ``remote`` list up to ``limit``."""
        result = self.match(rows, explained=False)
        (listed,) = (n.remote for n in result.needs if n.need == need)
        return len(listed) >= self.request.limit

    def candidates(self, rows: list[Row]) -> list[matching.Candidate]:
        """The matcher's view of ``rows`` (each row converted once per request)."""
        return _candidates(rows, self.point, self.made)

    def match(self, rows: list[Row], explained: bool = True) -> matching.MatchResult:
        """The matcher's answer on ``rows``."""
        return matching.match(self.request, self.candidates(rows), explained=explained)

    def widening(self) -> tuple[list[Row], matching.MatchResult]:
        """Rows and answer of the search within ``max_distance_km``."""
        request, full = self.request, self.request.max_distance_km
        start = full if request.limit < POOL_PER_NEED else min(FIRST_RADIUS_KM, full)
        radius = dict.fromkeys(request.needs, start)
        while True:
            near = self.read(radius)
            rows = near + self.area_rows
            short = [n for n in _short(self.candidates(near), request) if radius[n] < full]
            if short:
                radius.update({n: min(full, radius[n] * RADIUS_GROWTH) for n in short})
                continue
            result = self.match(rows)
            grown = _grown(result, request, radius)
            if grown == radius:
                return rows, result
            radius = grown

    def beyond(self, rows: list[Row], unmet: list[str]) -> tuple[list[Row], matching.MatchResult]:
        """Add services beyond ``max_distance_km`` for the ``unmet`` needs' ``nearest_beyond``.

        A need is unmet only when the search within ``max_distance_km`` was the full one.
        """
        radius, wider = self.request.max_distance_km, rows
        while True:
            searched, radius = radius, min(WIDER_RADIUS_KM, radius * RADIUS_GROWTH)
            wider = wider + _near(self.nearby, self.point, radius, unmet, self.tiers, searched)
            result = self.match(wider)
            reach = radius * (1 - 1e-5)
            found = [n.nearest_beyond for n in result.needs if n.need in unmet]
            if radius >= WIDER_RADIUS_KM or all(
                rec is not None and (rec.distance_km or 0.0) <= reach for rec in found
            ):
                return wider, result


def _gives_now(need: matching.NeedResult) -> bool:
    """Whether a place in ``need``'s list gives what it asks for now (not only other care at
    a place whose urgent treatment is out of stock)."""
    return any(rec.score < rank.WITHOUT_TREATMENT_MINUTES for rec in need.results)


def _short(near: list[matching.Candidate], request: matching.MatchRequest) -> list[str]:
    """The needs with fewer than ``limit`` services in ``near`` (widen them at once)."""
    counts = dict.fromkeys(request.needs, 0)
    for candidate in near:
        for need in candidate.needs:
            if need in counts:
                counts[need] += 1
    return [need for need, count in counts.items() if count < request.limit]


def _grown(
    result: matching.MatchResult, request: matching.MatchRequest, radius: dict[str, float]
) -> dict[str, float]:
    """Each need's next radius: the same when its list is final (or at ``max_distance_km``),
    else the radius its bound needs (×4 while it has fewer than ``limit`` results)."""
    full = request.max_distance_km
    grown = dict(radius)
    for need in result.needs:
        km = radius[need.need]
        if km >= full:
            continue
        needed = _radius_needed(need, request)
        if needed is None or needed > km * (1 - 1e-5):
            grown[need.need] = min(full, km * RADIUS_GROWTH if needed is None else needed * 1.001)
    return grown


def _radius_needed(need: matching.NeedResult, request: matching.MatchRequest) -> float | None:
    """The radius beyond which no service can change ``need``'s list; None if not known yet.

    A service ``d`` km away scores at least ``minutes(d)`` for an urgent need and at least
    ``(minutes(d) + ACCESS_MINUTES) * bonus`` otherwise, ``bonus`` being the product of every
    score bonus that can apply to this request (scores are rounded to 3 decimals).
    """
    if len(need.results) < request.limit:
        return None
    bonus = math.prod(
        factor
        for code, factor in rank.ADJUSTMENTS.items()
        if factor < 1 and CONDITIONAL_BONUSES.get(code, lambda _: True)(request)
    )
    per_km = geo.travel_minutes_exact(1.0, request.mode)
    worst = max(rec.score for rec in need.results) + 0.001
    minutes = worst if need.urgent else worst / bonus - rank.ACCESS_MINUTES
    nearest = min(rec.distance_km or 0.0 for rec in need.results)
    return max(nearest, minutes / per_km)


def _candidates(
    rows: list[Row],
    point: Point,
    made: dict[tuple[str, str | None], matching.Candidate] | None = None,
) -> list[matching.Candidate]:
    """One candidate per (service, location) of ``rows``, reusing those already in ``made``."""
    made = {} if made is None else made
    seen: set[tuple[str, str | None]] = set()
    candidates = []
    for row in rows:
        key = row.key
        if key not in seen:
            seen.add(key)
            if key not in made:
                made[key] = (row.candidate_at(point.tz) if isinstance(row, NearRow)
                             else to_candidate(row, point.tz))  # fmt: skip
            candidates.append(made[key])
    return candidates
