"""The entry point: :func:`match` turns a request and candidate services into explained results.

The store's candidate search is coarse (a box or radius and a category); everything exact happens
here, with nothing but the standard library. See ``matching/README.md`` for the rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace

from . import explain, filters, rank
from .assess import Assessed, assess
from .careplan import care_plan
from .clinical import URGENT_NEED, Urgency, medical_urgency
from .model import (
    AGE_GROUPS,
    AUDIENCES,
    MODES,
    SEXES,
    Candidate,
    CarePlanStop,
    LeftOut,
    MatchRequest,
    MatchResult,
    NeedResult,
    Note,
    Recommendation,
)

MAX_NEEDS = 12
MAX_DISTANCE_KM = 1000.0
MAX_LIMIT = 20
MAX_AGE = 120
HOTLINE_NEEDS: tuple[str, ...] = ("complaint", "case_management", "safety")
"""Remote services meeting one of these are listed as hotlines whatever the request's needs."""
HOTLINE_LIMIT = 5


def validate(request: MatchRequest) -> None:
    """Raise ``ValueError`` naming the first field of ``request`` that breaks the contract."""
    checks: list[tuple[str, bool]] = [
        ("at", request.at.tzinfo is not None and request.at.utcoffset() is not None),
        ("lat", math.isfinite(request.lat) and -90 <= request.lat <= 90),
        ("lon", math.isfinite(request.lon) and -180 <= request.lon <= 180),
        ("needs", 1 <= len(request.needs) <= MAX_NEEDS),
        ("needs", len(set(request.needs)) == len(request.needs) and all(request.needs)),
        ("hours_since_incident", _at_least_zero(request.hours_since_incident)),
        ("age", request.age is None or 0 <= request.age <= MAX_AGE),
        ("age_group", request.age_group is None or request.age_group in AGE_GROUPS),
        ("sex", request.sex is None or request.sex in SEXES),
        ("max_distance_km", 0 < request.max_distance_km <= MAX_DISTANCE_KM),
        ("limit", 1 <= request.limit <= MAX_LIMIT),
        ("mode", request.mode in MODES),
        ("audience", request.audience in AUDIENCES),
    ]
    for name, ok in checks:
        if not ok:
            raise ValueError(f"invalid match request field: {name}")


def _at_least_zero(value: float | None) -> bool:
    return value is None or (math.isfinite(value) and value >= 0)


def match(
    request: MatchRequest, candidates: Iterable[Candidate], *, explained: bool = True
) -> MatchResult:
    """Rank and explain ``candidates`` for every need of ``request``.

    Deterministic: the result does not depend on the order of ``candidates`` (ties are broken by
    ids). With the public audience, moving a confidential location changes nothing in the result.
    With ``explained=False`` the same result comes without reasons and warnings on the
    recommendations (scores, distances and order are the same): for a caller that only looks.
    Raises ``ValueError`` for a request that breaks :func:`validate`.
    """
    validate(request)
    urgency = medical_urgency(request)
    assessed = [assess(c, request, urgency) for c in candidates]
    explainer = _Explainer(assessed, request, urgency, explained)
    ranked: dict[str, list[Recommendation]] = {}
    results = []
    for need in request.needs:
        ranked[need] = rank.order(
            explainer.unexplained(a, need)
            for a in assessed
            if a.has_point and a.in_reach and a.passes(need)
        )
        results.append(_need_result(need, ranked[need], assessed, request, explainer))
    hotlines = _hotlines(assessed, request, urgency)
    urgent = [URGENT_NEED] if urgency is not None else []
    stops, uncovered = care_plan(ranked, urgent, request.mode)
    results = [_with_hotline_message(r, hotlines) for r in results]
    return MatchResult(
        needs=tuple(results),
        care_plan=tuple(explainer.stop(stop) for stop in stops),
        hotlines=hotlines,
        uncovered=uncovered,
    )


class _Explainer:
    """Ranks with unexplained recommendations and explains only those the answer shows.

    Ranking every candidate needs only its score (:func:`explain.unexplained`); the few that
    are shown get their reasons and warnings from :func:`explain.recommend`, exactly as if
    every one had been explained.
    """

    def __init__(
        self,
        assessed: Sequence[Assessed],
        request: MatchRequest,
        urgency: Urgency | None,
        explaining: bool = True,
    ) -> None:
        self.by_candidate = {id(a.candidate): a for a in assessed}
        self.request, self.urgency, self.explaining = request, urgency, explaining

    def gives_now(self, rec: Recommendation, need: str) -> bool:
        """Whether ``rec``'s candidate meets ``need`` fully (for an urgent need: it can give
        the window's treatment now, not only its other care)."""
        return self.by_candidate[id(rec.candidate)].gives_now(need)

    def urgency_for(self, need: str) -> Urgency | None:
        """The clinical urgency that applies to ``need``'s list (only the urgent need's)."""
        return self.urgency if need == URGENT_NEED else None

    def unexplained(self, a: Assessed, need: str) -> Recommendation:
        """``a``'s scored recommendation for ``need``, without notes."""
        return explain.unexplained(a, (need,), self.request, self.urgency_for(need))

    def explained(self, rec: Recommendation, need: str) -> Recommendation:
        """The full recommendation of ``rec``'s candidate for ``need`` (if explaining)."""
        if not self.explaining:
            return rec
        a = self.by_candidate[id(rec.candidate)]
        return explain.recommend(a, (need,), self.request, self.urgency_for(need))

    def stop(self, stop: CarePlanStop) -> CarePlanStop:
        """``stop`` with its recommendation explained (it comes from its first need's list)."""
        return replace(stop, recommendation=self.explained(stop.recommendation, stop.needs[0]))


def _need_result(
    need: str,
    ranked: Sequence[Recommendation],
    assessed: Sequence[Assessed],
    request: MatchRequest,
    explainer: _Explainer,
) -> NeedResult:
    """The lists for one need, and when they are empty, what to do instead."""
    urgency = explainer.urgency_for(need)
    remote = sorted(
        (
            explainer.unexplained(a, need)
            for a in assessed
            if not a.has_point and a.in_reach and a.passes(need)
        ),
        key=rank.name_key,
    )[: request.limit]
    remote = [explainer.explained(rec, need) for rec in remote]
    selected = tuple(explainer.explained(rec, need) for rec in rank.select(ranked, request.limit))
    messages: list[Note] = []
    if urgency is not None:
        messages.append(_urgency_note("urgent", urgency))
    if need == URGENT_NEED:
        messages.append(Note("no_report_needed"))
    opens_soonest = nearest_beyond = None
    giving = [rec for rec in selected if explainer.gives_now(rec, need)]
    if not giving:  # nothing in the list gives what the need asks for now
        if urgency is not None:
            opens_soonest = _opens_soonest(need, assessed, request, urgency)
        if any(explainer.gives_now(rec, need) for rec in remote):
            pass  # a front door serves the need now: never say that nothing does
        elif urgency is not None:
            messages.append(_urgency_note("urgent_none_open", urgency))
        else:
            messages.append(Note("none_in_range", (("max_distance_km", _km(request)),)))
        nearest_beyond = _nearest_beyond(need, assessed, request, urgency)
    unmet = not selected and not remote
    if unmet:
        messages.append(Note("unmet", (("need", need),)))
    left_out = _left_out(need, assessed, request, urgency, selected)
    return NeedResult(
        left_out=left_out,
        need=need,
        urgent=urgency is not None,
        results=selected,
        remote=tuple(remote),
        unmet=unmet,
        nearest_beyond=nearest_beyond,
        messages=tuple(messages),
        opens_soonest=opens_soonest,
    )


LEFT_OUT_RULES: tuple[str, ...] = (
    filters.SEX, filters.AGE, filters.CLOSED, filters.NO_CAPACITY, filters.BLOCKED,
    filters.INACTIVE, filters.ACCESSIBILITY, filters.NO_CAPABILITY,
)  # fmt: skip
"""The rules whose exclusions an answer counts, in this order. ``restricted`` is never counted:
the public must not learn that such a place exists."""


def _left_out(
    need: str,
    assessed: Sequence[Assessed],
    request: MatchRequest,
    urgency: Urgency | None,
    shown: Sequence[Recommendation],
) -> tuple[LeftOut, ...]:
    """For each rule, the services with a point in reach meeting ``need`` that it left out,
    no farther than the farthest result ``shown`` (every one in reach when fewer than
    ``limit`` are shown: the places a survivor would have been sent to instead); for staff,
    the nearest of them."""
    cutoff = math.inf
    if len(shown) >= request.limit:
        cutoff = max(rec.distance_km or 0.0 for rec in shown) * (1 - 1e-4)
    found: dict[str, list[Assessed]] = {}
    for a in assessed:
        near = a.has_point and a.in_reach and (a.distance_km or 0.0) < cutoff
        if not (near and need in a.candidate.needs) or a.passes(need):
            continue
        rule = a.rejection or filters.need_rejection(
            a.candidate, need, urgency if need == URGENT_NEED else None, a.open_now
        )
        if rule in LEFT_OUT_RULES:
            found.setdefault(rule, []).append(a)
    out = []
    for rule in LEFT_OUT_RULES:
        if rule not in found:
            continue
        nearest = None
        if request.audience == "staff":
            first = min(found[rule], key=lambda a: (a.distance_km or 0.0, a.key))
            nearest = explain.unexplained(first, (need,), request, None)
        out.append(LeftOut(rule, len(found[rule]), nearest))
    return tuple(out)


def _km(request: MatchRequest) -> str:
    return f"{request.max_distance_km:g}"


def _urgency_note(code: str, urgency: Urgency) -> Note:
    params = (
        ("capability", urgency.capability),
        ("window_hours", f"{urgency.window_hours:g}"),
        ("hours_left", str(math.floor(urgency.hours_left))),
    )
    return Note(code, params)


def _nearest_beyond(
    need: str, assessed: Sequence[Assessed], request: MatchRequest, urgency: Urgency | None
) -> Recommendation | None:
    """The nearest candidate with a point passing every filter for ``need`` except distance."""
    beyond = [a for a in assessed if a.has_point and not a.in_reach and a.gives_now(need)]
    if not beyond:
        return None
    nearest = min(beyond, key=lambda a: (a.distance_km, a.key))
    warning = Note("beyond_range", (("max_distance_km", _km(request)),))
    return explain.recommend(nearest, (need,), request, urgency, (warning,))


def _opens_soonest(
    need: str, assessed: Sequence[Assessed], request: MatchRequest, urgency: Urgency
) -> Recommendation | None:
    """For an urgent need nothing in range can meet now: the in-range candidate that would
    qualify once open and where care can start soonest (the later of arrival and opening),
    then the nearer, then by id. Warns ``beyond_window`` if care would start after the window.
    """
    waiting = [
        a
        for a in assessed
        if a.has_point
        and a.in_reach
        and a.rejection is None
        and need in a.eligible_when_open
        and a.next_open is not None
    ]
    if not waiting:
        return None

    def start_hours(a: Assessed) -> float:
        assert a.next_open is not None and a.minutes is not None
        opens = (a.next_open - request.at).total_seconds() / 3600
        return max(opens, a.minutes / 60)

    best = min(waiting, key=lambda a: (start_hours(a), a.distance_km, a.key))
    extra = []
    if start_hours(best) > urgency.hours_left:
        extra.append(_urgency_note("beyond_window", urgency))
    return explain.recommend(best, (need,), request, urgency, extra)


def _hotlines(
    assessed: Sequence[Assessed], request: MatchRequest, urgency: Urgency | None
) -> tuple[Recommendation, ...]:
    """Remote services covering the area that meet a requested need or a hotline need.

    Those meeting more requested needs first, then by name and ids; at most ``HOTLINE_LIMIT``.
    """
    wanted = tuple(dict.fromkeys(request.needs + HOTLINE_NEEDS))
    found = []
    for a in assessed:
        c = a.candidate
        if not c.remote or not a.in_reach or a.rejection is not None:
            continue
        met = tuple(need for need in wanted if need in c.needs)
        if met:
            requested = sum(need in request.needs for need in met)
            found.append((-requested, explain.recommend(a, met, request, urgency)))
    found.sort(key=lambda item: (item[0], rank.name_key(item[1])))
    return tuple(rec for _, rec in found[:HOTLINE_LIMIT])


def _with_hotline_message(result: NeedResult, hotlines: Sequence[Recommendation]) -> NeedResult:
    """Point an empty-handed need at the hotlines, when there are any."""
    if result.results or not hotlines:
        return result
    return replace(result, messages=(*result.messages, Note("see_hotlines")))
