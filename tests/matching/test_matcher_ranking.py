"""Ranking beyond the filters: travel time, documented adjustments, ties by id."""

import random
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matcher_factories import AT, candidate, codes, ids, need, param, request

from matching import geo, match, rank
from matching.rank import ACCESS_MINUTES, ADJUSTMENTS


def minutes(km: float, mode: str = "motorbike") -> float:
    return km * geo.ROAD_DETOUR_FACTOR / geo.SPEED_KMH[mode] * 60


def test_nearer_first_and_every_result_is_explained():
    cs = [candidate(name, at=(km, 0)) for name, km in [("c", 9), ("a", 3), ("b", 6)]]
    results = need(match(request(limit=3), cs), "medical").results
    assert ids(results) == ["a", "b", "c"]
    for rec in results:
        assert rec.distance_km is not None
        assert rec.travel_minutes == geo.travel_minutes(rec.distance_km, "motorbike")
        assert rec.open_now
        assert codes(rec.reasons)[:2] == ["meets_need", "open_24_7"]


def test_travel_minutes_follow_the_mode():
    c = candidate("a", at=(1.98, 0))  # 1.98 km * 1.4 = 2.77 km of road
    by_mode = {}
    for mode in ("walking", "motorbike", "car"):
        (rec,) = need(match(request(mode=mode), [c]), "medical").results
        assert rec.distance_km == pytest.approx(1.98, rel=0.001)
        assert rec.travel_minutes == geo.travel_minutes(rec.distance_km, mode)
        by_mode[mode] = rec.travel_minutes
    assert by_mode == {"walking": 42, "motorbike": 7, "car": 6}


def test_score_is_the_documented_formula():
    c = candidate(
        "a",
        at=(5, 0),
        needs=frozenset({"medical", "legal"}),
        languages=frozenset({"sw", "fr"}),
        last_verified_at=AT - timedelta(days=10),
    )
    r = request("medical", "legal", languages=frozenset({"sw"}))
    (rec,) = need(match(r, [c]), "medical").results
    assert {"one_stop", "speaks_language", "recently_verified"} <= set(codes(rec.reasons))
    assert rec.distance_km is not None
    expected = (minutes(rec.distance_km) + ACCESS_MINUTES) * 0.85 * 0.85 * 0.90
    assert rec.score == pytest.approx(expected, abs=1e-3)
    assert param(rec.reasons, "one_stop", "needs") == "medical,legal"
    assert param(rec.reasons, "speaks_language", "languages") == "sw"


@pytest.mark.parametrize(
    ("fields", "better_than_neutral", "note"),
    [
        ({"last_verified_at": AT - timedelta(days=30)}, True, "recently_verified"),
        ({"last_verified_at": AT - timedelta(days=200)}, False, "stale_listing"),
        ({"last_verified_at": None}, False, "unverified"),
        ({"languages": frozenset({"sw"})}, True, "speaks_language"),
        ({"languages": frozenset({"fr"})}, False, "no_common_language"),
        ({"needs": frozenset({"medical", "psychosocial"})}, True, "one_stop"),
    ],
)
def test_each_adjustment_moves_a_listing_past_a_slightly_nearer_neutral_one(
    fields, better_than_neutral, note
):
    # 2% farther: any documented adjustment (at least 10%) outweighs the difference.
    neutral = candidate("neutral", at=(10, 0))
    other = candidate("other", at=(10.2, 0), **fields)
    if not better_than_neutral:
        neutral, other = replace(neutral, lat=other.lat), replace(other, lat=neutral.lat)
    r = request("medical", "psychosocial", languages=frozenset({"sw"}))
    results = need(match(r, [neutral, other]), "medical").results
    expected = ["other", "neutral"] if better_than_neutral else ["neutral", "other"]
    assert ids(results) == expected
    notes = results[expected.index("other")]
    assert note in codes(notes.reasons + notes.warnings)
    assert note in ADJUSTMENTS


def test_no_recorded_languages_is_not_penalised():
    silent = candidate("silent", at=(5, 0))
    r = request(languages=frozenset({"sw"}))
    (rec,) = need(match(r, [silent]), "medical").results
    assert "no_common_language" not in codes(rec.warnings)
    assert rec.distance_km is not None
    assert rec.score == pytest.approx(minutes(rec.distance_km) + ACCESS_MINUTES, abs=1e-3)


def test_shelter_capacity_unknown_ranks_after_known_capacity():
    known = candidate("known", at=(10.5, 0), needs=frozenset({"shelter"}), capacity_available=2)
    unknown = candidate("unknown", at=(10, 0), needs=frozenset({"shelter"}))
    results = need(match(request("shelter"), [known, unknown]), "shelter").results
    assert ids(results) == ["known", "unknown"]
    assert "has_places" in codes(results[0].reasons)  # the public: no count
    assert "capacity_unknown" in codes(results[1].warnings)
    staff = need(match(request("shelter", audience="staff"), [known]), "shelter").results
    assert param(staff[0].reasons, "has_capacity", "places") == "2"


def test_ties_are_broken_by_id():
    cs = [candidate(sid, at=(4, 0), location_id="same") for sid in ["b", "c", "a"]]
    assert ids(need(match(request(), cs), "medical").results) == ["a", "b", "c"]


def test_same_service_at_two_sites_ties_by_location_id():
    here = candidate("s", at=(4, 0), location_id="loc-2")
    there = candidate("s", at=(4, 0), location_id="loc-1")
    results = need(match(request(), [here, there]), "medical").results
    assert [rec.candidate.location_id for rec in results] == ["loc-1", "loc-2"]


def test_limit_and_the_nearest_is_kept_beyond_the_first_place():
    nearest_stale = candidate("nearest", at=(5, 0), last_verified_at=None)
    good = [
        candidate(f"good{i}", at=(5.3 + i * 0.01, 0), last_verified_at=AT - timedelta(days=1))
        for i in range(3)
    ]
    results = need(match(request(limit=2), [nearest_stale, *good]), "medical").results
    assert ids(results) == ["good0", "nearest"]
    results = need(match(request(limit=1), [nearest_stale, *good]), "medical").results
    assert ids(results) == ["good0"]  # one result: the best ranked, not merely the nearest
    results = need(match(request(limit=4), [nearest_stale, *good]), "medical").results
    assert ids(results) == ["good0", "good1", "good2", "nearest"]


def test_results_do_not_depend_on_candidate_order():
    cs = [
        candidate(f"s{i}", at=(i % 7, i % 3), last_verified_at=AT - timedelta(days=i * 20))
        for i in range(15)
    ]
    r = request(limit=10)
    expected = match(r, cs)
    shuffled = cs[:]
    random.Random(4).shuffle(shuffled)
    assert match(r, shuffled) == expected


def test_sort_key_is_score_then_distance_then_ids():
    cs = [candidate(f"s{i}", at=(i, 0)) for i in range(5)]
    results = need(match(request(limit=5), cs), "medical").results
    assert list(results) == sorted(results, key=rank.sort_key)


def test_recently_verified_reports_days_and_stale_reports_age():
    fresh = candidate("fresh", last_verified_at=AT - timedelta(days=12, hours=3))
    old = candidate("old", last_verified_at=AT - timedelta(days=400), at=(1, 0))
    results = need(match(request(), [fresh, old]), "medical").results
    assert param(results[0].reasons, "recently_verified", "days") == "12"
    assert param(results[1].warnings, "stale_listing", "days") == "400"


def test_naive_verification_dates_are_read_as_utc():
    naive = candidate("a", last_verified_at=(AT - timedelta(days=5)).replace(tzinfo=None))
    (rec,) = need(match(request(), [naive]), "medical").results
    assert param(rec.reasons, "recently_verified", "days") == "5"


def test_capabilities_relevant_to_the_need_and_the_survivor_are_named():
    c = candidate(
        "a",
        capabilities=frozenset({"pep", "emergency_contraception", "cmr", "child_friendly"}),
    )
    (rec,) = need(match(request(age=12, sex="female"), [c]), "medical").results
    named = [dict(n.params)["capability"] for n in rec.reasons if n.code == "has_capability"]
    assert named == ["pep", "emergency_contraception", "cmr", "child_friendly"]
    (rec,) = need(match(request(sex="male"), [c]), "medical").results
    named = [dict(n.params)["capability"] for n in rec.reasons if n.code == "has_capability"]
    assert named == ["pep", "cmr"]


def test_a_capability_out_of_stock_is_not_named_as_offered():
    c = candidate("a", capabilities=frozenset({"pep", "cmr"}), stock_out=frozenset({"pep"}))
    (rec,) = need(match(request(sex="female"), [c]), "medical").results
    named = [dict(n.params)["capability"] for n in rec.reasons if n.code == "has_capability"]
    assert named == ["cmr"]
    assert param(rec.warnings, "stock_out", "items") == "pep"


@pytest.mark.parametrize(
    ("fields", "req", "warning"),
    [
        ({"min_age": 18}, {}, "age_limits"),
        ({"min_age": 12}, {"age_group": "child"}, "age_limits"),
        ({"max_age": 17}, {"age_group": "child"}, None),
        ({"min_age": 18}, {"age_group": "adult"}, None),
        ({"max_age": 60}, {"age_group": "adult"}, "age_limits"),
        ({"min_age": 18}, {"age": 20}, None),
        ({"sexes": frozenset({"female"})}, {}, "serves_sexes"),
        ({"sexes": frozenset({"female"})}, {"sex": "female"}, None),
        ({"stock_out": frozenset({"pep"})}, {}, "stock_out"),
        ({"always_open": False}, {}, "hours_unknown"),
    ],
)
def test_eligibility_the_request_could_not_check_is_flagged(fields, req, warning):
    (rec,) = need(match(request(**req), [candidate("a", **fields)]), "medical").results
    checks = {"age_limits", "serves_sexes", "stock_out", "hours_unknown"}
    flagged = [code for code in codes(rec.warnings) if code in checks]
    assert flagged == ([warning] if warning else [])


# -- the order of trust (issue 19, item 2) --------------------------------------------------

TRUST = {
    0: {"capabilities": frozenset({"cmr"}), "last_verified_at": AT - timedelta(days=200)},
    1: {"capabilities": frozenset({"cmr"}), "last_verified_at": None},
    3: {"capabilities": frozenset(), "last_verified_at": None, "open_data": True},
}


@settings(max_examples=200, deadline=None)
@given(
    levels=st.sampled_from([(0, 1), (1, 3), (0, 3)]),
    better_km=st.floats(0.1, 60),
    worse_km=st.floats(0.1, 60),
    mode=st.sampled_from(["walking", "motorbike", "car"]),
)
def test_a_more_trusted_listing_ranks_first_unless_it_is_much_farther(
    levels, better_km, worse_km, mode
):
    """Property: a listing more trusted by ``rank.TRUST_MINUTES`` ranks before a less trusted
    one whenever its travel time is less than the other's plus the difference."""
    good, poor = levels
    better = candidate("better", at=(better_km, 0), **TRUST[good])
    worse = candidate("worse", at=(worse_km, 0), **TRUST[poor])
    results = need(match(request(mode=mode), [better, worse]), "medical").results
    gap = rank.TRUST_MINUTES[poor] - rank.TRUST_MINUTES[good]
    assert {r.candidate.service_id for r in results} == {"better", "worse"}
    by_id = {r.candidate.service_id: r for r in results}
    minutes_better = geo.travel_minutes_exact(by_id["better"].distance_km, mode)
    minutes_worse = geo.travel_minutes_exact(by_id["worse"].distance_km, mode)
    if minutes_better + 1e-6 < minutes_worse + gap:
        assert ids(results)[0] == "better"


def test_an_open_data_point_is_said_and_a_specialised_service_named():
    point = candidate("osm", at=(1, 0), capabilities=frozenset(), open_data=True,
                      last_verified_at=None)  # fmt: skip
    clinic = candidate("clinic", at=(20, 0))
    results = need(match(request(), [point, clinic]), "medical").results
    assert ids(results) == ["clinic", "osm"]  # 19 km farther (46 min by moto) is still less
    assert "gbv_specialised" in codes(results[0].reasons)
    assert "open_data_point" in codes(results[1].warnings)


def test_a_listing_that_asks_to_call_first_without_a_phone_is_never_first():
    silent = candidate("silent", at=(0.5, 0), last_verified_at=None, has_phone=False)
    far = candidate("far", at=(40, 0), last_verified_at=None)
    for hours in (None, 10):
        r = request(hours_since_incident=hours) if hours else request()
        if hours:
            silent = candidate("silent", at=(0.5, 0), last_verified_at=None, has_phone=False,
                               capabilities=frozenset({"pep"}))  # fmt: skip
            far = candidate("far", at=(40, 0), last_verified_at=None,
                            capabilities=frozenset({"pep"}))  # fmt: skip
        results = need(match(r, [silent, far]), "medical").results
        assert ids(results) == ["far", "silent"]
        assert "no_phone" in codes(results[1].warnings)
    alone = need(match(request(), [silent]), "medical").results
    assert ids(alone) == ["silent"]  # still listed when it is all there is
