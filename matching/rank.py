"""Ranking: the score of a recommendation and the order of a result list.

The score is an *adjusted travel time in minutes*; lower ranks first.

- Urgent medical need (inside a PEP or emergency-contraception window): ``score`` is the exact
  travel-time estimate and nothing else, plus :data:`WITHOUT_TREATMENT_MINUTES` for a place
  whose treatment is out of stock (it still gives its other care, after every place that can
  give the treatment).
- Otherwise: ``score = (minutes + ACCESS_MINUTES + TRUST_MINUTES[level]) * product of
  ADJUSTMENTS[code]`` over the codes of the recommendation's reasons and warnings (codes not in
  the table count 1).
- Either way, :data:`NO_PHONE_MINUTES` is added for a listing that asks to call first but has
  no phone.

Scores are rounded to 3 decimals. Lists are ordered by ``(score, distance_km, service_id,
location_id)``. The nearest eligible service is always kept: if the adjustments push it out of the
first ``limit``, it takes the last place (see :func:`select`). Point-less candidates (remote, or
with a withheld point) are ordered by name, then service id, then location id, never by a point.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .model import Note, Recommendation

ACCESS_MINUTES = 10.0
"""The fixed cost of any visit (finding the door, reception), so that adjustments still rank two
services at the same place."""

ADJUSTMENTS: dict[str, float] = {
    "recently_verified": 0.90,
    "one_stop": 0.85,
    "speaks_language": 0.85,
    "stale_listing": 1.15,
    "unverified": 1.25,
    "capacity_unknown": 1.10,
    "no_common_language": 1.10,
}
"""Multipliers on the travel time, by note code: below 1 is a bonus, above 1 a penalty."""


WITHOUT_TREATMENT_MINUTES = 1_000_000.0
"""Added to the urgent score of a place that cannot give the window's treatment now (it is
out of stock there): it ranks after every place that can, whatever the distance."""
NO_PHONE_MINUTES = 100_000.0
"""Added to the score of a listing that asks to call before going but has no phone: it is
never first while a list holds anything else."""
TRUST_MINUTES: tuple[float, ...] = (0.0, 15.0, 30.0, 60.0)
"""Minutes added (not urgent) by level of trust, :func:`matching.explain.trust_level`:
0 records the need's GBV-specific capability and was verified within 12 months; 1 records it
but was not; 2 does not record it (or the need has none); 3 is a generic facility point from
open data. A more trusted listing ranks first while it is at most the difference farther
away (15 minutes by level, 60 between the best and an open-data point), since a survivor
sent to a place that turns out not to give GBV care loses more than that: she must travel
again, and may not."""


def score(
    minutes: float,
    notes: Iterable[Note],
    urgent: bool,
    without_treatment: bool = False,
    added_minutes: float = 0.0,
) -> float:
    """The score of a recommendation ``minutes`` of travel away carrying ``notes``;
    ``added_minutes`` (trust, no phone) count as travel."""
    if urgent:
        lacking = WITHOUT_TREATMENT_MINUTES if without_treatment else 0.0
        return round(minutes + added_minutes + lacking, 3)
    value = minutes + ACCESS_MINUTES + added_minutes
    for note in notes:
        value *= ADJUSTMENTS.get(note.code, 1.0)
    return round(value, 3)


def sort_key(rec: Recommendation) -> tuple[float, float, str, str]:
    """The documented order of distance-ranked results: score, distance, then ids."""
    distance = rec.distance_km if rec.distance_km is not None else float("inf")
    return (rec.score, distance, rec.candidate.service_id, rec.candidate.location_id or "")


def nearness_key(rec: Recommendation) -> tuple[bool, float, str, str]:
    """Distance, then ids: which of several recommendations is the nearest (a place without
    the urgent treatment only when no place has it)."""
    distance = rec.distance_km if rec.distance_km is not None else float("inf")
    lacking = rec.score >= WITHOUT_TREATMENT_MINUTES
    return (lacking, distance, rec.candidate.service_id, rec.candidate.location_id or "")


def name_key(rec: Recommendation) -> tuple[str, str, str, str]:
    """The order of point-less results: name (case-insensitive, then exact), then ids."""
    name = rec.candidate.name
    return (name.casefold(), name, rec.candidate.service_id, rec.candidate.location_id or "")


def order(recs: Iterable[Recommendation]) -> list[Recommendation]:
    """``recs`` sorted by :func:`sort_key`."""
    return sorted(recs, key=sort_key)


def select(ranked: Sequence[Recommendation], limit: int) -> tuple[Recommendation, ...]:
    """The first ``limit`` of ``ranked`` (already ordered), including the nearest when
    ``limit`` is above 1.

    When the nearest (by :func:`nearness_key`) is not among the first ``limit``, it replaces the
    last of them; being ranked after them, it stays last, so the result is still in order. A
    single result is the best ranked one (the order of trust, not distance alone, decides it).
    """
    if not ranked or limit <= 0:
        return ()
    chosen = list(ranked[:limit])
    nearest = min(ranked, key=nearness_key)
    if limit > 1 and all(rec is not nearest for rec in chosen):
        chosen[-1] = nearest  # never in first place: the order of trust decides that one
    return tuple(chosen)
