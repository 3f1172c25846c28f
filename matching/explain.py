"""Reasons and warnings as machine codes, and the :class:`Recommendation` that carries them.

Every code is documented in ``matching/README.md``; pages translate them. Parameter values are
strings; lists are comma-separated in a fixed order; instants are ISO 8601 in the location's zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from . import filters, rank
from .assess import Assessed
from .clinical import URGENT_NEED, Urgency
from .model import Candidate, MatchRequest, Note, Recommendation

RECENT_DAYS = 90
"""Verified at most this many days ago: ``recently_verified``."""

STALE_DAYS = 180
"""Verified more than this many days ago: ``stale_listing``."""

RELEVANT_CAPABILITIES: dict[str, tuple[str, ...]] = {
    "medical": (
        "pep",
        "emergency_contraception",
        "cmr",
        "female_clinician",
        "sti_treatment",
        "forensic_certificate",
    ),
    "psychosocial": ("mental_health_specialist",),
    "legal": ("legal_representation",),
}
"""Capabilities worth naming, by need; ``child_friendly`` is named for any need of a child."""


def _note(code: str, **params: str) -> Note:
    return Note(code, tuple(params.items()))


def _joined(items: Sequence[str]) -> str:
    return ",".join(items)


GBV_CAPABILITIES: dict[str, frozenset[str]] = {
    "medical": frozenset({"cmr", "pep", "emergency_contraception"}),
    "psychosocial": frozenset({"gbv_psychosocial"}),
    "legal": frozenset({"gbv_legal_aid"}),
}
"""The capabilities that make a listing specialised in GBV care for a need."""
TRUSTED_DAYS = 365
CALL_FIRST = frozenset(
    {"unverified", "stale_listing", "hours_unknown", "capacity_unknown", "approximate_position"}
)
"""Warnings that tell the survivor to call before going."""


def trust_level(candidate: Candidate, needs: Sequence[str], at: datetime) -> int:
    """0 to 3, most trusted first (see :data:`matching.rank.TRUST_MINUTES`): a generic point
    from open data is 3; otherwise 0 when it records every need's GBV-specific capability (a
    need without one asks for none) and was verified within :data:`TRUSTED_DAYS`, 1 when it
    records them unverified, 2 when it does not record them."""
    if candidate.open_data:
        return 3
    specialised = all(
        not GBV_CAPABILITIES.get(need) or GBV_CAPABILITIES[need] & candidate.capabilities
        for need in needs
    )
    if not specialised:
        return 2
    days = verification_days(candidate, at)
    return 0 if days is not None and days <= TRUSTED_DAYS else 1


def asks_to_call(a: Assessed, needs: Sequence[str], request: MatchRequest) -> bool:
    """Whether a warning tells the survivor to call before going (see :data:`CALL_FIRST`)."""
    return bool(CALL_FIRST & {w.code for w in warnings(a, needs, request)})


def verification_days(candidate: Candidate, at: datetime) -> int | None:
    """Whole days since the listing was last verified (never negative), or None if never."""
    if candidate.last_verified_at is None:
        return None
    return max(0, (at - filters.aware(candidate.last_verified_at)).days)


def capabilities_for(
    candidate: Candidate, needs: Sequence[str], request: MatchRequest
) -> list[str]:
    """The candidate's capabilities relevant to ``needs`` and the survivor, in a fixed order;
    never one it is out of stock of (the ``stock_out`` warning says that instead)."""
    wanted: list[str] = []
    for need in needs:
        wanted.extend(RELEVANT_CAPABILITIES.get(need, ()))
    if request.sex == "male":
        wanted = [c for c in wanted if c != "emergency_contraception"]
    if filters.is_child(request):
        wanted.append("child_friendly")
    offered = candidate.capabilities - candidate.stock_out
    return [c for c in dict.fromkeys(wanted) if c in offered]


def reasons(a: Assessed, needs: Sequence[str], request: MatchRequest) -> tuple[Note, ...]:
    """Why ``a`` is offered for ``needs`` (the need of a list, or every need a hotline meets)."""
    c = a.candidate
    notes = [_note("meets_need", need=need) for need in needs]
    if c.always_open:
        notes.append(_note("open_24_7"))
    elif a.open_now:
        notes.append(_note("open_now"))
    notes.extend(_note("has_capability", capability=x) for x in capabilities_for(c, needs, request))
    features = request.accessibility - (filters.PHYSICAL_ACCESSIBILITY if c.remote else set())
    if features:
        notes.append(_note("accessible", features=_joined(sorted(features))))
    if _speaks_language(c, request):
        spoken = sorted(request.languages & c.languages)
        notes.append(_note("speaks_language", languages=_joined(spoken)))
    if _one_stop(a):
        met = [need for need in request.needs if need in a.eligible]
        notes.append(_note("one_stop", needs=_joined(met), count=str(len(met))))
    if filters.SHELTER in needs and not c.remote and c.capacity_available is not None:
        if request.audience == "staff":
            notes.append(_note("has_capacity", places=str(c.capacity_available)))
        else:  # the public learns that places are free, never how many (GUIDE §4.11)
            notes.append(_note("has_places"))
    days = verification_days(c, request.at)
    if _recently_verified(days):
        notes.append(_note("recently_verified", days=str(days)))
    if not a.has_point:
        notes.append(_note("covers_area"))
    if any(GBV_CAPABILITIES.get(need, frozenset()) & c.capabilities for need in needs):
        notes.append(_note("gbv_specialised"))
    return tuple(notes)


def _age_limits_unchecked(candidate: Candidate, request: MatchRequest) -> bool:
    """Whether age bounds exist that the request could not check exactly."""
    low, high = candidate.min_age, candidate.max_age
    if request.age is not None or (low is None and high is None):
        return False
    child = filters.is_child(request)
    if child is None:
        return True
    if child:
        return (low is not None and low > 0) or (high is not None and high < filters.ADULT_AGE - 1)
    return (low is not None and low > filters.ADULT_AGE) or high is not None


def warnings(a: Assessed, needs: Sequence[str], request: MatchRequest) -> tuple[Note, ...]:
    """What the survivor or caseworker should know before going (nothing here blocks)."""
    c = a.candidate
    notes = []
    alert = filters.live_alert(c, request.at)
    if alert is not None:
        notes.append(_note("alert", text=alert.text))
    if not c.always_open and not c.hours:
        notes.append(_note("hours_unknown"))
    elif not a.open_now:
        params = {"next_open": a.next_open.isoformat()} if a.next_open else {}
        notes.append(_note("closed_now", **params))
    days = verification_days(c, request.at)
    if days is None:
        notes.append(_note("unverified"))
    elif _stale(days):
        notes.append(_note("stale_listing", days=str(days)))
    if _capacity_unknown(c, needs):
        notes.append(_note("capacity_unknown"))
    if c.stock_out:
        notes.append(_note("stock_out", items=_joined(sorted(c.stock_out))))
    if _no_common_language(c, request):
        notes.append(_note("no_common_language", languages=_joined(sorted(c.languages))))
    if _age_limits_unchecked(c, request):
        bounds = {"min_age": c.min_age, "max_age": c.max_age}
        notes.append(_note("age_limits", **{k: str(v) for k, v in bounds.items() if v is not None}))
    if request.sex is None and c.sexes:
        notes.append(_note("serves_sexes", sexes=_joined(sorted(c.sexes))))
    if a.withheld:
        notes.append(_note("location_withheld"))
    elif c.approximate and a.has_point:
        notes.append(_note("approximate_position"))
    if c.open_data:
        notes.append(_note("open_data_point"))
    if not c.has_phone:
        notes.append(_note("no_phone"))
    return tuple(notes)


# The conditions of the notes that adjust a score (rank.ADJUSTMENTS), shared by the notes
# themselves and by :func:`adjustments`, which scores without writing the notes.


def _speaks_language(c: Candidate, request: MatchRequest) -> bool:
    return bool(request.languages & c.languages)


def _one_stop(a: Assessed) -> bool:
    return a.has_point and len(a.eligible) >= 2


def _recently_verified(days: int | None) -> bool:
    return days is not None and days <= RECENT_DAYS


def _stale(days: int) -> bool:
    return days > STALE_DAYS


def _capacity_unknown(c: Candidate, needs: Sequence[str]) -> bool:
    return filters.SHELTER in needs and not c.remote and c.capacity_available is None


def _no_common_language(c: Candidate, request: MatchRequest) -> bool:
    return bool(request.languages and c.languages and not request.languages & c.languages)


def adjustments(a: Assessed, needs: Sequence[str], request: MatchRequest) -> tuple[Note, ...]:
    """The notes of ``a``'s reasons and warnings for ``needs`` whose codes adjust its score,
    in the order they appear there, without parameters: what :func:`rank.score` reads."""
    c = a.candidate
    days = verification_days(c, request.at)
    flags = (
        ("speaks_language", _speaks_language(c, request)),
        ("one_stop", _one_stop(a)),
        ("recently_verified", _recently_verified(days)),
        ("unverified", days is None),
        ("stale_listing", days is not None and _stale(days)),
        ("capacity_unknown", _capacity_unknown(c, needs)),
        ("no_common_language", _no_common_language(c, request)),
    )
    return tuple(_ADJUSTING[code] for code, on in flags if on)


_ADJUSTING = {code: Note(code) for code in rank.ADJUSTMENTS}


def score(
    a: Assessed, needs: Sequence[str], request: MatchRequest, urgency: Urgency | None
) -> float:
    """The score :func:`recommend` gives ``a`` for ``needs``, without explaining it."""
    if a.minutes is None:
        return 0.0
    urgent = urgency is not None and URGENT_NEED in needs
    lacking = urgent and URGENT_NEED in a.stocked_out
    added = 0.0 if urgent else rank.TRUST_MINUTES[trust_level(a.candidate, needs, request.at)]
    if not a.candidate.has_phone and asks_to_call(a, needs, request):
        added += rank.NO_PHONE_MINUTES
    return rank.score(a.minutes, adjustments(a, needs, request), urgent, lacking, added)


def unexplained(
    a: Assessed, needs: Sequence[str], request: MatchRequest, urgency: Urgency | None
) -> Recommendation:
    """The recommendation :func:`recommend` makes, but without its reasons and warnings: enough
    to rank it; :func:`recommend` explains the few that are shown."""
    return Recommendation(
        candidate=a.candidate,
        distance_km=a.distance_km,
        travel_minutes=a.travel_minutes,
        open_now=a.open_now,
        next_open=a.next_open,
        score=score(a, needs, request, urgency),
    )


def recommend(
    a: Assessed,
    needs: Sequence[str],
    request: MatchRequest,
    urgency: Urgency | None,
    extra_warnings: Sequence[Note] = (),
) -> Recommendation:
    """The recommendation of ``a`` for ``needs``, scored as documented in :mod:`matching.rank`.

    Point-less candidates score ``0.0`` (they are ordered by name, never by score).
    """
    lacking: tuple[Note, ...] = ()
    if urgency is not None and URGENT_NEED in needs and URGENT_NEED in a.stocked_out:
        lacking = (_note("treatment_out_of_stock", capability=urgency.capability),)
    return replace(
        unexplained(a, needs, request, urgency),
        reasons=reasons(a, needs, request),
        warnings=lacking + warnings(a, needs, request) + tuple(extra_warnings),
    )
