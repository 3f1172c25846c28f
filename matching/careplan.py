"""A care plan across needs: the fewest stops, then the least travel, that cover every need.

Only services with a point that are in a need's ranked list (every filter passed, within range)
can be stops; a need with no such service is *uncovered* (its list says what to do instead).

1. The pool is the first :data:`POOL_PER_NEED` of each need's ranked list. A pool member covers
   every need whose ranked list holds it, wherever it ranks there.
2. The plan is the covering set with the fewest stops; among those, the least cost, where a
   stop costs its exact travel minutes plus :data:`rank.ACCESS_MINUTES`, times
   :data:`REFERRAL_FACTOR` when its organization has a referral agreement (either direction) with
   another stop's organization; remaining ties go to the smaller sorted tuple of ids.
   With at most :data:`EXACT_POOL_MAX` pool members every subset is tried (exact). Beyond that
   the plan is greedy: repeatedly add the member covering the most uncovered needs (then one
   linked by referral to a chosen stop, then the cheaper, then the smaller id), and finally drop
   stops that became redundant, costliest first.
3. Each need is assigned to the stop that ranks best in its list. Stops are ordered: the stop for
   an urgent need first, then by travel time, then by id.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from itertools import combinations

from . import geo, rank
from .model import CarePlanStop, Note, Recommendation

POOL_PER_NEED = 3
EXACT_POOL_MAX = 12
REFERRAL_FACTOR = 0.85

Key = tuple[str, str]


def _key(rec: Recommendation) -> Key:
    return (rec.candidate.service_id, rec.candidate.location_id or "")


def _linked(a: Recommendation, b: Recommendation) -> bool:
    """Whether two different organizations have a referral agreement, in either direction."""
    org_a, org_b = a.candidate.organization_id, b.candidate.organization_id
    return org_a != org_b and (org_b in a.candidate.refers_to or org_a in b.candidate.refers_to)


class _Planner:
    def __init__(self, ranked: Mapping[str, Sequence[Recommendation]], mode: str) -> None:
        self.ranked = ranked
        self.target = [need for need, recs in ranked.items() if recs]
        self.recs: dict[Key, Recommendation] = {}
        self.covers: dict[Key, set[str]] = {}
        self.position: dict[tuple[Key, str], int] = {}
        for need in self.target:
            for index, rec in enumerate(ranked[need]):
                key = _key(rec)
                self.recs.setdefault(key, rec)
                self.covers.setdefault(key, set()).add(need)
                self.position[(key, need)] = index
        pool = {_key(rec) for need in self.target for rec in ranked[need][:POOL_PER_NEED]}
        self.pool = sorted(pool)
        self.minutes = {
            key: geo.travel_minutes_exact(rec.distance_km or 0.0, mode)
            for key, rec in self.recs.items()
        }

    def cost(self, stops: Sequence[Key]) -> float:
        total = 0.0
        for key in stops:
            linked = any(_linked(self.recs[key], self.recs[o]) for o in stops if o != key)
            visit = self.minutes[key] + rank.ACCESS_MINUTES
            total += visit * (REFERRAL_FACTOR if linked else 1.0)
        return round(total, 3)

    def covered(self, stops: Sequence[Key]) -> set[str]:
        return set().union(*(self.covers[key] for key in stops))

    def exact(self) -> list[Key]:
        for size in range(1, len(self.target) + 1):
            plans = [
                list(combo)
                for combo in combinations(self.pool, size)
                if self.covered(combo) >= set(self.target)
            ]
            if plans:
                return min(plans, key=lambda plan: (self.cost(plan), plan))
        return []  # unreachable: the pool holds a member of every target need's list

    def greedy(self) -> list[Key]:
        chosen: list[Key] = []
        missing = set(self.target)
        while missing:
            best = min(
                (key for key in self.pool if key not in chosen),
                key=lambda key: (
                    -len(self.covers[key] & missing),
                    not any(_linked(self.recs[key], self.recs[c]) for c in chosen),
                    self.minutes[key],
                    key,
                ),
            )
            chosen.append(best)
            missing -= self.covers[best]
        for key in sorted(chosen, key=lambda k: (-self.minutes[k], k)):
            rest = [k for k in chosen if k != key]
            if self.covered(rest) >= set(self.target):
                chosen = rest
        return sorted(chosen)

    def stops(self, chosen: Sequence[Key], urgent: Collection[str]) -> tuple[CarePlanStop, ...]:
        assigned: dict[Key, list[str]] = {key: [] for key in chosen}
        for need in self.target:
            best = min(
                (k for k in chosen if need in self.covers[k]),
                key=lambda k: (self.position[(k, need)], k),
            )
            assigned[best].append(need)
        order = sorted(
            chosen,
            key=lambda k: (not set(assigned[k]) & set(urgent), self.minutes[k], k),
        )
        return tuple(self._stop(key, assigned[key], chosen, urgent) for key in order)

    def _stop(
        self, key: Key, needs: list[str], chosen: Sequence[Key], urgent: Collection[str]
    ) -> CarePlanStop:
        rec = self.ranked[needs[0]][self.position[(key, needs[0])]]
        joined = ",".join(needs)
        notes = [Note("covers", (("needs", joined),))]
        if len(needs) >= 2:
            notes.append(Note("one_stop", (("needs", joined), ("count", str(len(needs))))))
        notes.extend(Note("urgent_first", (("need", n),)) for n in needs if n in urgent)
        notes.extend(
            Note("top_ranked", (("need", n),)) for n in needs if not self.position[(key, n)]
        )
        for other in chosen:
            partner = self.recs[other].candidate
            if other != key and _linked(rec, self.recs[other]):
                params = (
                    ("organization_id", partner.organization_id),
                    ("organization_name", partner.organization_name),
                )
                notes.append(Note("referral_partner", params))
        return CarePlanStop(recommendation=rec, needs=tuple(needs), reasons=tuple(notes))


def care_plan(
    ranked: Mapping[str, Sequence[Recommendation]], urgent: Collection[str], mode: str
) -> tuple[tuple[CarePlanStop, ...], tuple[str, ...]]:
    """The plan's stops and the needs it leaves uncovered (in ``ranked``'s order).

    ``ranked`` maps every requested need, in request order, to its full ranked list of in-range
    recommendations with a point; ``urgent`` holds the needs that are clinically urgent.
    """
    planner = _Planner(ranked, mode)
    uncovered = tuple(need for need, recs in ranked.items() if not recs)
    if not planner.target:
        return (), uncovered
    chosen = planner.exact() if len(planner.pool) <= EXACT_POOL_MAX else planner.greedy()
    return planner.stops(chosen, urgent), uncovered
