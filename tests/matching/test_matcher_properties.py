"""Property tests against a brute-force oracle on random DRC-shaped data.

The oracle restates the rules of the issue independently of ``matching/`` (geopy for distance,
calendar arithmetic for opening hours) and checks that no result violates a hard filter, that the
nearest eligible service is never missing, that distances agree with geopy within 0.1 %, and that
every list is in the documented order.
"""

import importlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from geopy.distance import geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matcher_factories import EAST_TZ, KINSHASA_TZ

from matching import Alert, Candidate, MatchRequest, OpeningHours, explain, geo, match, rank
from matching.model import NEEDS

WEEK_START = datetime(2026, 11, 30, tzinfo=UTC)
MATCH_MODULE = importlib.import_module("matching.match")  # the package exports its function
TOLERANCE = 1e-3
SOME_NEEDS = ("medical", "psychosocial", "legal", "shelter", "complaint")


# --- the oracle ------------------------------------------------------------------------------


def oracle_open(c: Candidate, at: datetime) -> bool:
    if c.always_open:
        return True
    local = at.astimezone(ZoneInfo(c.tz)).replace(tzinfo=None)
    for interval in c.hours:
        for weeks_back in (0, 1):
            day = local.date() - timedelta(days=local.weekday() - interval.weekday + 7 * weeks_back)
            start = datetime.combine(day, datetime.strptime(interval.opens, "%H:%M").time())
            end = datetime.combine(day, datetime.strptime(interval.closes, "%H:%M").time())
            if end <= start:
                end += timedelta(days=1)
            if start <= local < end:
                return True
    return False


def oracle_capability(req: MatchRequest) -> str | None:
    h = req.hours_since_incident
    if "medical" not in req.needs or h is None:
        return None
    if h <= 72:
        return "pep"
    if h <= 120 and req.sex != "male":
        return "emergency_contraception"
    return None


def oracle_passes(c: Candidate, req: MatchRequest, need: str) -> bool:
    """Every hard filter of the issue except distance or coverage."""
    if not oracle_general(c, req) or need not in c.needs:
        return False
    if need == "shelter" and c.capacity_available is not None and c.capacity_available <= 0:
        return False
    capability = oracle_capability(req)
    if need == "medical" and capability:
        if capability not in c.capabilities:
            return False
        if not oracle_open(c, req.at):
            return False
        # out of stock there: still offered for its other care, after those that give it
    return True


def oracle_gives(c: Candidate, req: MatchRequest, need: str) -> bool:
    """Passes, and for an urgent medical need has the window's treatment in stock."""
    capability = oracle_capability(req)
    lacking = need == "medical" and capability is not None and capability in c.stock_out
    return oracle_passes(c, req, need) and not lacking


def oracle_general(c: Candidate, req: MatchRequest) -> bool:
    """The filters that do not depend on the need."""
    if c.status != "active":
        return False
    if c.alert and c.alert.blocking and (c.alert.expires_at is None or c.alert.expires_at > req.at):
        return False
    if req.audience == "public" and c.confidentiality == "restricted":
        return False
    if req.age is not None:
        low, high = req.age, req.age
    else:
        low, high = {"child": (0, 17), "adult": (18, 999), None: (None, None)}[req.age_group]
    if low is not None and (
        (c.min_age is not None and high < c.min_age) or (c.max_age is not None and low > c.max_age)
    ):
        return False  # the survivor's age (or age group) and the service's range do not overlap
    if req.sex and c.sexes and req.sex not in c.sexes:
        return False
    required = req.accessibility - ({"wheelchair"} if c.remote else set())
    return required <= c.accessibility | c.capabilities


def oracle_point(c: Candidate, req: MatchRequest) -> tuple[float, float] | None:
    if c.remote or c.lat is None or c.lon is None:
        return None
    if req.audience == "public" and c.confidentiality == "confidential":
        return None
    return (c.lat, c.lon)


def oracle_km(c: Candidate, req: MatchRequest) -> float | None:
    point = oracle_point(c, req)
    return None if point is None else geodesic((req.lat, req.lon), point).km


# --- random DRC-shaped data --------------------------------------------------------------------

# Strategies are built once: building them inside the composites costs more than matching.
TIMES = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 30]))
HOURS = st.lists(st.builds(OpeningHours, st.integers(0, 6), TIMES, TIMES), max_size=3).map(tuple)
ALERTS = st.one_of(
    st.none(),
    st.none(),
    st.none(),
    st.builds(
        Alert,
        st.just("notice"),
        st.booleans(),
        st.sampled_from([None, WEEK_START + timedelta(days=2), WEEK_START + timedelta(days=4)]),
    ),
)
OFFSET = st.one_of(st.floats(-0.3, 0.3), st.floats(-1, 1), st.floats(-4, 4))
CANDIDATE_NEEDS = st.frozensets(st.sampled_from(SOME_NEEDS), min_size=1, max_size=3)
NAMES = st.sampled_from(["Alpha", "Beta", "Gamma"])
TZS = st.sampled_from([KINSHASA_TZ, EAST_TZ])
SERVICE_AREAS = st.frozensets(st.sampled_from(["CD10", "CD61"]), max_size=1)
TIERS = st.sampled_from(["public", "public", "restricted", "confidential"])
STATUSES = st.sampled_from(["active"] * 5 + ["inactive", "temporarily_closed"])
CAPABILITIES = st.frozensets(
    st.sampled_from(["pep", "pep", "emergency_contraception", "cmr", "wheelchair"])
)
MIN_AGES = st.sampled_from([None, None, None, 12, 18])
MAX_AGES = st.sampled_from([None, None, None, 17, 60])
SEX_SETS = st.sampled_from([frozenset(), frozenset(), frozenset({"female"}), frozenset({"male"})])
LANGUAGE_SETS = st.frozensets(st.sampled_from(["fr", "sw", "ln"]), max_size=2)
CAPACITIES = st.sampled_from([None, 0, 3])
VERIFIED = st.sampled_from(
    [None, WEEK_START - timedelta(days=10), WEEK_START - timedelta(days=400)]
)
STOCK_OUTS = st.sampled_from([frozenset(), frozenset(), frozenset(), frozenset({"pep"})])
REFERRALS = st.frozensets(st.sampled_from(["o0", "o1", "o2"]), max_size=2)


CANDIDATE_FIELDS = st.fixed_dictionaries(
    {
        "remote": st.sampled_from([False, False, False, True]),
        "north": OFFSET,
        "east": OFFSET,
        "ring": st.one_of(st.none(), st.floats(0.97, 1.03)),
        "bearing": st.floats(0, 360),
        "name": NAMES,
        "needs": CANDIDATE_NEEDS,
        "tz": TZS,
        "service_area": SERVICE_AREAS,
        "confidentiality": TIERS,
        "status": STATUSES,
        "capabilities": CAPABILITIES,
        "always_open": st.booleans(),
        "hours": HOURS,
        "alert": ALERTS,
        "min_age": MIN_AGES,
        "max_age": MAX_AGES,
        "sexes": SEX_SETS,
        "languages": LANGUAGE_SETS,
        "capacity_available": CAPACITIES,
        "last_verified_at": VERIFIED,
        "stock_out": STOCK_OUTS,
        "refers_to": REFERRALS,
    }
)


def build_candidate(index: int, req: MatchRequest, fields: dict) -> Candidate:
    """A candidate from drawn ``fields``. A placed one lies within 4 degrees of the request or,
    with ``ring``, at ``ring`` times the search radius from it (where filters are most fragile
    and several candidates compete at nearly the same distance)."""
    fields = dict(fields)
    north, east = fields.pop("north"), fields.pop("east")
    ring, bearing = fields.pop("ring"), fields.pop("bearing")
    lat = lon = None
    if not fields["remote"] and ring is not None:
        radius = req.max_distance_km * ring
        point = geodesic(kilometers=radius).destination((req.lat, req.lon), bearing)
        lat, lon = point.latitude, point.longitude
    elif not fields["remote"]:
        lat = min(6.0, max(-14.0, req.lat + north))
        lon = min(32.0, max(11.0, req.lon + east))
    return Candidate(
        service_id=f"s{index:02d}",
        organization_id=f"o{index % 5}",
        organization_name="Org",
        location_id=f"l{index:02d}",
        lat=lat,
        lon=lon,
        **fields,
    )


CANDIDATE_LISTS = st.lists(CANDIDATE_FIELDS, min_size=6, max_size=20)
REQUEST_NEEDS = st.lists(
    st.sampled_from(SOME_NEEDS + SOME_NEEDS + NEEDS), min_size=1, max_size=3, unique=True
).map(tuple)
MINUTES_OF_WEEK = st.integers(0, 7 * 24 * 60 - 1)
REQUEST_AREAS = st.frozensets(st.sampled_from(["CD", "CD10", "CD61"]))
HOURS_SINCE = st.one_of(st.none(), st.floats(0, 200))
AGES = st.one_of(st.none(), st.integers(0, 120))
AGE_GROUPS = st.sampled_from([None, "child", "adult"])
SEXES = st.sampled_from([None, None, None, "female", "male", "other"])
REQUEST_LANGUAGES = st.frozensets(st.sampled_from(["fr", "sw"]), max_size=1)
ACCESSIBILITY = st.sampled_from([frozenset(), frozenset(), frozenset(), frozenset({"wheelchair"})])
RADII = st.sampled_from([25.0, 100.0, 300.0, 1000.0])
MODES = st.sampled_from(["walking", "motorbike", "car"])
AUDIENCES = st.sampled_from(["public", "staff"])


@st.composite
def scenarios(draw):
    lat, lon = draw(st.floats(-14, 6)), draw(st.floats(11, 32))
    age = draw(AGES)
    req = MatchRequest(
        lat=lat,
        lon=lon,
        needs=draw(REQUEST_NEEDS),
        at=WEEK_START + timedelta(minutes=draw(MINUTES_OF_WEEK)),
        area_pcodes=draw(REQUEST_AREAS),
        hours_since_incident=draw(HOURS_SINCE),
        age=age,
        age_group=None if age is not None else draw(AGE_GROUPS),
        sex=draw(SEXES),
        languages=draw(REQUEST_LANGUAGES),
        accessibility=draw(ACCESSIBILITY),
        max_distance_km=draw(RADII),
        limit=draw(st.integers(1, 4)),
        mode=draw(MODES),
        audience=draw(AUDIENCES),
    )
    drawn = draw(CANDIDATE_LISTS)
    return req, [build_candidate(i, req, fields) for i, fields in enumerate(drawn)]


# --- the properties ----------------------------------------------------------------------------
# Drawing a scenario costs far more than matching it, so one test draws each scenario once and
# checks every property on it; each property is a function named for what it checks.


def no_result_violates_a_hard_filter(req, cs, result):
    by_key = {(c.service_id, c.location_id): c for c in cs}
    for need_result in result.needs:
        for rec in need_result.results:
            c = by_key[(rec.candidate.service_id, rec.candidate.location_id)]
            assert oracle_passes(c, req, need_result.need)
            km = oracle_km(c, req)
            assert km is not None and km <= req.max_distance_km * (1 + TOLERANCE)
        for rec in need_result.remote:
            c = by_key[(rec.candidate.service_id, rec.candidate.location_id)]
            assert oracle_passes(c, req, need_result.need)
            assert oracle_point(c, req) is None
            assert rec.candidate.lat is None or c.remote
            assert not c.service_area or c.service_area & req.area_pcodes
        assert len(need_result.results) <= req.limit
        assert len(need_result.remote) <= req.limit
    for rec in result.hotlines:
        c = by_key[(rec.candidate.service_id, rec.candidate.location_id)]
        assert c.remote and oracle_general(c, req)
        assert not c.service_area or c.service_area & req.area_pcodes


def nearest_eligible_is_never_missing(req, cs, result):
    for need_result in result.needs:
        eligible = [
            km
            for c in cs
            if oracle_passes(c, req, need_result.need)
            and (km := oracle_km(c, req)) is not None
            and km <= req.max_distance_km * (1 - TOLERANCE)
        ]
        if not eligible:
            continue
        assert need_result.results, "an eligible service in range was dropped"
        if req.limit == 1:  # a single result is the best ranked, not the nearest
            continue
        givers = [
            km
            for c in cs
            if oracle_gives(c, req, need_result.need)
            and (km := oracle_km(c, req)) is not None
            and km <= req.max_distance_km * (1 - TOLERANCE)
        ]
        reported = [r for r in need_result.results if r.score < rank.WITHOUT_TREATMENT_MINUTES]
        if givers:  # the nearest place that gives the treatment is kept first
            assert reported, "a place giving the treatment in range was dropped"
            nearest_reported = min(rec.distance_km for rec in reported)
            assert nearest_reported <= min(givers) * (1 + 2 * TOLERANCE) + 1e-9
        else:
            nearest_reported = min(rec.distance_km for rec in need_result.results)
            assert nearest_reported <= min(eligible) * (1 + 2 * TOLERANCE) + 1e-9
        assert not need_result.unmet


def distances_agree_with_geopy_and_lists_are_in_order(req, cs, result):
    for need_result in result.needs:
        results = list(need_result.results)
        assert results == sorted(results, key=rank.sort_key)
        assert list(need_result.remote) == sorted(need_result.remote, key=rank.name_key)
        for rec in results:
            exact = geodesic((req.lat, req.lon), (rec.candidate.lat, rec.candidate.lon)).km
            assert abs(rec.distance_km - exact) <= exact * TOLERANCE + 1e-9
            assert rec.travel_minutes == geo.travel_minutes(rec.distance_km, req.mode)
            assert rec.score == expected_score(rec, req, need_result.urgent, need_result.need)


def expected_score(rec, req, urgent, need):
    minutes = geo.travel_minutes_exact(rec.distance_km, req.mode)
    codes = {w.code for w in rec.warnings}
    added = rank.NO_PHONE_MINUTES if "no_phone" in codes and codes & explain.CALL_FIRST else 0.0
    if urgent:
        lacking = "treatment_out_of_stock" in codes
        return round(minutes + added + (rank.WITHOUT_TREATMENT_MINUTES if lacking else 0.0), 3)
    added += rank.TRUST_MINUTES[explain.trust_level(rec.candidate, (need,), req.at)]
    value = minutes + rank.ACCESS_MINUTES + added
    for note in rec.reasons + rec.warnings:
        value *= rank.ADJUSTMENTS.get(note.code, 1.0)
    return round(value, 3)


def unmet_needs_are_explained(req, cs, result):
    for need_result in result.needs:
        assert need_result.unmet == (not need_result.results and not need_result.remote)
        if need_result.unmet:
            assert "unmet" in [n.code for n in need_result.messages]
        giving = [r for r in need_result.results if r.score < rank.WITHOUT_TREATMENT_MINUTES]
        if giving:
            assert need_result.nearest_beyond is None
            continue
        # Within the tolerance of the radius a candidate may fall on either side.
        maybe_beyond = sorted(
            km
            for c in cs
            if oracle_gives(c, req, need_result.need)
            and (km := oracle_km(c, req)) is not None
            and km >= req.max_distance_km * (1 - TOLERANCE)
        )
        surely_beyond = [km for km in maybe_beyond if km > req.max_distance_km * (1 + TOLERANCE)]
        if need_result.nearest_beyond is None:
            assert not surely_beyond
        else:
            assert maybe_beyond
            assert need_result.nearest_beyond.distance_km <= maybe_beyond[0] * (1 + 2 * TOLERANCE)
    assert result.uncovered == tuple(r.need for r in result.needs if not r.results)


def care_plan_covers_what_can_be_covered(req, cs, result):
    planned = [n for stop in result.care_plan for n in stop.needs]
    assert sorted(planned) == sorted(r.need for r in result.needs if r.results)
    for stop in result.care_plan:
        assert stop.recommendation.distance_km is not None


def match_explaining_everything(req, cs):
    """The match as it was before only shown results were explained: every candidate ranked
    with its full recommendation (reasons and warnings, and the score they give)."""

    def explained(self, a, need):
        return explain.recommend(a, (need,), self.request, self.urgency_for(need))

    with mock.patch.object(MATCH_MODULE._Explainer, "unexplained", explained):
        return match(req, cs)


def outline(result):
    """Everything of a result but the reasons and warnings of its recommendations."""

    def rec(r):
        return r and (
            r.candidate,
            r.distance_km,
            r.travel_minutes,
            r.open_now,
            r.next_open,
            r.score,
        )

    needs = [
        (n.need, n.urgent, n.unmet, n.messages, [rec(r) for r in n.results],
         [rec(r) for r in n.remote], rec(n.nearest_beyond), rec(n.opens_soonest))
        for n in result.needs
    ]  # fmt: skip
    stops = [(rec(s.recommendation), s.needs, s.reasons) for s in result.care_plan]
    return needs, stops, [rec(r) for r in result.hotlines], result.uncovered


PROPERTIES = (
    no_result_violates_a_hard_filter,
    nearest_eligible_is_never_missing,
    distances_agree_with_geopy_and_lists_are_in_order,
    unmet_needs_are_explained,
    care_plan_covers_what_can_be_covered,
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_match_agrees_with_the_oracle(scenario):
    req, cs = scenario
    result = match(req, cs)
    for check in PROPERTIES:
        check(req, cs, result)
    assert match(req, list(reversed(cs))) == result  # candidate order does not matter
    assert match_explaining_everything(req, cs) == result
    assert outline(match(req, cs, explained=False)) == outline(result)
    if req.audience == "public":  # moving confidential locations changes nothing public
        moved = [
            replace(c, lat=req.lat, lon=req.lon) if c.confidentiality == "confidential" else c
            for c in cs
        ]
        assert match(req, moved) == result
