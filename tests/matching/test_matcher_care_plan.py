"""The care plan: fewest stops, then least travel, preferring one-stop centres and referrals."""

from dataclasses import replace
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st
from matcher_factories import AT, candidate, codes, ids, need, param, request

from matching import careplan, match
from matching.model import NEEDS

PEP = frozenset({"pep"})


def stop_ids(result):
    return [stop.recommendation.candidate.service_id for stop in result.care_plan]


def test_a_one_stop_centre_beats_several_nearer_stops():
    centre = candidate("centre", at=(8, 0), needs=frozenset({"medical", "psychosocial", "legal"}))
    singles = [
        candidate("med", at=(1, 0), needs=frozenset({"medical"})),
        candidate("psy", at=(1, 1), needs=frozenset({"psychosocial"})),
        candidate("law", at=(0, 1), needs=frozenset({"legal"})),
    ]
    result = match(request("medical", "psychosocial", "legal"), [*singles, centre])
    assert stop_ids(result) == ["centre"]
    (stop,) = result.care_plan
    assert stop.needs == ("medical", "psychosocial", "legal")
    assert codes(stop.reasons)[:2] == ["covers", "one_stop"]
    assert param(stop.reasons, "covers", "needs") == "medical,psychosocial,legal"
    assert result.uncovered == ()


def test_providers_linked_by_referral_are_preferred():
    lawyers = candidate("law", at=(5, 0), needs=frozenset({"legal"}), organization_id="org-law")
    unlinked = candidate("clinic-a", at=(0, 5), needs=frozenset({"medical"}))
    linked = candidate(
        "clinic-b",
        at=(0, 5.3),
        needs=frozenset({"medical"}),
        refers_to=frozenset({"org-law"}),
    )
    result = match(request("medical", "legal"), [lawyers, unlinked, linked])
    assert ids(need(result, "medical").results)[0] == "clinic-a"  # nearer on its own list
    assert sorted(stop_ids(result)) == ["clinic-b", "law"]
    law_stop = next(s for s in result.care_plan if s.needs == ("legal",))
    assert param(law_stop.reasons, "referral_partner", "organization_id") == "org-clinic-b"


def test_the_stop_for_an_urgent_need_comes_first():
    clinic = candidate("clinic", at=(20, 0), capabilities=PEP)
    lawyers = candidate("law", at=(1, 0), needs=frozenset({"legal"}))
    result = match(request("legal", "medical", hours_since_incident=6), [clinic, lawyers])
    assert stop_ids(result) == ["clinic", "law"]
    assert "urgent_first" in codes(result.care_plan[0].reasons)


def test_needs_without_a_reachable_place_are_uncovered():
    clinic = candidate("clinic")
    result = match(request("medical", "shelter", "legal"), [clinic])
    assert stop_ids(result) == ["clinic"]
    assert result.uncovered == ("shelter", "legal")


def test_a_need_goes_to_the_stop_where_it_ranks_best():
    centre = candidate("centre", at=(6, 0), needs=frozenset({"medical", "legal"}))
    psy = candidate("psy", at=(1, 0), needs=frozenset({"psychosocial", "legal"}))
    result = match(request("medical", "psychosocial", "legal"), [centre, psy])
    by_id = {s.recommendation.candidate.service_id: s.needs for s in result.care_plan}
    assert by_id == {"psy": ("psychosocial", "legal"), "centre": ("medical",)}
    assert stop_ids(result) == ["psy", "centre"]  # nearer first


def test_large_pools_are_planned_greedily_and_cover_everything():
    needs = ("medical", "psychosocial", "legal", "material", "livelihood")
    singles = [
        candidate(f"{n}-{i}", at=(1 + i, 0), needs=frozenset({n})) for n in needs for i in range(3)
    ]
    hub = candidate("hub", at=(2.5, 0), needs=frozenset(needs))
    result = match(request(*needs), [*singles, hub])
    assert stop_ids(result) == ["hub"]
    result = match(request(*needs), singles)
    assert len(result.care_plan) == 5
    assert sorted(n for s in result.care_plan for n in s.needs) == sorted(needs)
    assert all(s.recommendation.candidate.service_id.endswith("-0") for s in result.care_plan)


def covers_all(result):
    return {n for s in result.care_plan for n in s.needs} == {
        r.need for r in result.needs if r.results
    }


@st.composite
def scenarios(draw):
    needs = tuple(draw(st.lists(st.sampled_from(NEEDS[:6]), min_size=1, max_size=4, unique=True)))
    cs = []
    for i in range(draw(st.integers(0, 9))):
        served = draw(st.sets(st.sampled_from(needs), min_size=1))
        cs.append(
            candidate(
                f"s{i}",
                at=(draw(st.floats(-60, 60)), draw(st.floats(-60, 60))),
                needs=frozenset(served),
                organization_id=f"o{i % 4}",
                refers_to=frozenset(draw(st.sets(st.sampled_from(["o0", "o1", "o2", "o3"])))),
                capacity_available=1,
                last_verified_at=draw(st.sampled_from([None, AT])),
            )
        )
    return request(*needs), cs


@settings(max_examples=80, deadline=None)
@given(scenarios())
def test_plan_is_a_minimum_cover_of_the_pool(scenario):
    req, cs = scenario
    result = match(req, cs)
    assert covers_all(result)
    assert result.uncovered == tuple(r.need for r in result.needs if not r.results)
    # No smaller set of pool members covers every coverable need.
    ranked = {r.need: r for r in result.needs}
    pool = {
        rec.candidate.service_id
        for r in ranked.values()
        for rec in _ranked_all(req, cs, r.need)[: careplan.POOL_PER_NEED]
    }
    coverage = {sid: {n for n in req.needs if sid in ids(_ranked_all(req, cs, n))} for sid in pool}
    target = {r.need for r in result.needs if r.results}
    for size in range(1, len(result.care_plan)):
        for combo in combinations(sorted(pool), size):
            assert not target <= set().union(*(coverage[s] for s in combo))
    # Every stop is needed.
    for stop in result.care_plan:
        assert stop.needs


def _ranked_all(req, cs, need_code):
    """A need's full ranked list (the results with the largest limit)."""
    return need(match(replace(req, limit=20), cs), need_code).results
