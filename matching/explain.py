"""Reasons and warnings as machine codes, and the :class:`Recommendation` that carries them.

Every code is documented in ``matching/README.md``; pages translate them. Parameter values are
strings; lists are comma-separated in a fixed order; instants are ISO 8601 in the location's zone.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def verification_days(candidate: Candidate, at: datetime) -> int | None:
    """Whole days since the listing was last verified (never negative), or None if never."""
    if candidate.last_verified_at is None:
        return None
    return max(0, (at - filters.aware(candidate.last_verified_at)).days)


def capabilities_for(
    candidate: Candidate, needs: Sequence[str], request: MatchRequest
) -> list[str]:
    """The candidate's capabilities relevant to ``needs`` and the survivor, in a fixed order."""
    wanted: list[str] = []
    for need in needs:
        wanted.extend(RELEVANT_CAPABILITIES.get(need, ()))
    if request.sex == "male":
        wanted = [c for c in wanted if c != "emergency_contraception"]
    if filters.is_child(request):
        wanted.append("child_friendly")
    return [c for c in dict.fromkeys(wanted) if c in candidate.capabilities]


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
    spoken = sorted(request.languages & c.languages)
    if spoken:
        notes.append(_note("speaks_language", languages=_joined(spoken)))
    if a.has_point and len(a.eligible) >= 2:
        met = [need for need in request.needs if need in a.eligible]
        notes.append(_note("one_stop", needs=_joined(met), count=str(len(met))))
    if filters.SHELTER in needs and not c.remote and c.capacity_available is not None:
        notes.append(_note("has_capacity", places=str(c.capacity_available)))
    days = verification_days(c, request.at)
    if days is not None and days <= RECENT_DAYS:
        notes.append(_note("recently_verified", days=str(days)))
    if not a.has_point:
        notes.append(_note("covers_area"))
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
    elif days > STALE_DAYS:
        notes.append(_note("stale_listing", days=str(days)))
    if filters.SHELTER in needs and not c.remote and c.capacity_available is None:
        notes.append(_note("capacity_unknown"))
    if c.stock_out:
        notes.append(_note("stock_out", items=_joined(sorted(c.stock_out))))
    if request.languages and c.languages and not request.languages & c.languages:
        notes.append(_note("no_common_language", languages=_joined(sorted(c.languages))))
    if _age_limits_unchecked(c, request):
        bounds = {"min_age": c.min_age, "max_age": c.max_age}
        notes.append(_note("age_limits", **{k: str(v) for k, v in bounds.items() if v is not None}))
    if request.sex is None and c.sexes:
        notes.append(_note("serves_sexes", sexes=_joined(sorted(c.sexes))))
    if a.withheld:
        notes.append(_note("location_withheld"))
    return tuple(notes)


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
    why = reasons(a, needs, request)
    caveats = warnings(a, needs, request) + tuple(extra_warnings)
    if a.minutes is None:
        score = 0.0
    else:
        urgent = urgency is not None and URGENT_NEED in needs
        score = rank.score(a.minutes, why + caveats, urgent)
    return Recommendation(
        candidate=a.candidate,
        distance_km=a.distance_km,
        travel_minutes=a.travel_minutes,
        open_now=a.open_now,
        next_open=a.next_open,
        score=score,
        reasons=why,
        warnings=caveats,
    )
