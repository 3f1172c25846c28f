"""Hard filters, table-driven: status, alerts, eligibility, accessibility, capacity, distance."""

from datetime import timedelta

import pytest
from matcher_factories import AT, candidate, codes, hotline, ids, need, request

from matching import Alert, match
from matching.filters import general_rejection, need_rejection

LATER = AT + timedelta(days=1)
EARLIER = AT - timedelta(days=1)


@pytest.mark.parametrize(
    ("fields", "req", "kept", "why"),
    [
        ({"status": "active"}, {}, True, None),
        ({"status": "inactive"}, {}, False, "inactive"),
        ({"status": "temporarily_closed"}, {}, False, "inactive"),
        # Alerts: blocking until expiry (none = indefinitely); expired ones are ignored.
        ({"alert": Alert("Fermé pour travaux", blocking=True)}, {}, False, "blocked"),
        ({"alert": Alert("Fermé", blocking=True, expires_at=LATER)}, {}, False, "blocked"),
        ({"alert": Alert("Fermé", blocking=True, expires_at=EARLIER)}, {}, True, None),
        ({"alert": Alert("Fermé", blocking=True, expires_at=AT)}, {}, True, None),
        ({"alert": Alert("Rupture de kits", blocking=False)}, {}, True, None),
        # Age: exact age against inclusive bounds; age_group against overlap.
        ({"min_age": 18}, {"age": 17}, False, "age"),
        ({"min_age": 18}, {"age": 18}, True, None),
        ({"max_age": 17}, {"age": 18}, False, "age"),
        ({"max_age": 17}, {"age": 17}, True, None),
        ({"min_age": 18}, {"age_group": "child"}, False, "age"),
        ({"min_age": 15}, {"age_group": "child"}, True, None),
        ({"max_age": 17}, {"age_group": "adult"}, False, "age"),
        ({"max_age": 24}, {"age_group": "adult"}, True, None),
        ({"min_age": 18}, {"age": 30, "age_group": "child"}, True, None),  # age wins
        ({"min_age": 18, "max_age": 60}, {}, True, None),  # unknown age: warned, kept
        # Sex: an empty set serves everyone.
        ({"sexes": frozenset({"female"})}, {"sex": "male"}, False, "sex"),
        ({"sexes": frozenset({"female"})}, {"sex": "female"}, True, None),
        ({"sexes": frozenset({"female"})}, {"sex": "other"}, False, "sex"),
        ({"sexes": frozenset()}, {"sex": "other"}, True, None),
        ({"sexes": frozenset({"female"})}, {}, True, None),
        # Accessibility: from accessibility or capabilities.
        ({}, {"accessibility": frozenset({"wheelchair"})}, False, "accessibility"),
        (
            {"accessibility": frozenset({"wheelchair"})},
            {"accessibility": frozenset({"wheelchair"})},
            True,
            None,
        ),
        (
            {"capabilities": frozenset({"sign_language"})},
            {"accessibility": frozenset({"sign_language"})},
            True,
            None,
        ),
        (
            {"accessibility": frozenset({"wheelchair"})},
            {"accessibility": frozenset({"wheelchair", "sign_language"})},
            False,
            "accessibility",
        ),
    ],
)
def test_general_filters(fields, req, kept, why):
    c = candidate("a", **fields)
    r = request(**req)
    assert general_rejection(c, r) == why
    result = match(r, [c])
    assert (ids(need(result, "medical").results) == ["a"]) is kept


def test_a_non_blocking_alert_is_a_warning():
    c = candidate("a", alert=Alert("Rupture de kits", blocking=False))
    (rec,) = need(match(request(), [c]), "medical").results
    assert ("alert", (("text", "Rupture de kits"),)) in [(n.code, n.params) for n in rec.warnings]


def test_an_expired_non_blocking_alert_says_nothing():
    c = candidate("a", alert=Alert("Vieux", blocking=False, expires_at=EARLIER))
    (rec,) = need(match(request(), [c]), "medical").results
    assert "alert" not in codes(rec.warnings)


def test_remote_services_need_not_be_wheelchair_accessible():
    hot = hotline("h")
    r = request(accessibility=frozenset({"wheelchair"}))
    assert general_rejection(hot, r) is None
    assert ids(match(r, [hot]).hotlines) == ["h"]
    r = request(accessibility=frozenset({"sign_language"}))
    assert general_rejection(hot, r) == "accessibility"
    assert match(r, [hot]).hotlines == ()


@pytest.mark.parametrize(
    ("capacity", "kept", "warnings"),
    [
        (3, True, []),
        (0, False, None),
        (-1, False, None),
        (None, True, ["capacity_unknown"]),
    ],
)
def test_shelter_needs_capacity(capacity, kept, warnings):
    c = candidate("a", needs=frozenset({"shelter"}), capacity_available=capacity)
    result = need(match(request("shelter"), [c]), "shelter")
    assert bool(result.results) is kept
    if kept:
        assert codes(result.results[0].warnings) == warnings


def test_capacity_only_limits_shelter():
    c = candidate("a", needs=frozenset({"shelter", "psychosocial"}), capacity_available=0)
    result = match(request("shelter", "psychosocial"), [c])
    assert need(result, "shelter").results == ()
    assert ids(need(result, "psychosocial").results) == ["a"]


def test_the_service_must_meet_the_need():
    c = candidate("a", needs=frozenset({"legal"}))
    assert need_rejection(c, "medical", None, open_now=True) == "need"
    assert need(match(request("medical"), [c]), "medical").results == ()


@pytest.mark.parametrize(
    ("km", "max_km", "kept"),
    [(9.0, 10.0, True), (11.0, 10.0, False), (99.0, 100.0, True), (101.0, 100.0, False)],
)
def test_distance_limit(km, max_km, kept):
    c = candidate("a", at=(km, 0.0))
    result = need(match(request(max_distance_km=max_km), [c]), "medical")
    assert bool(result.results) is kept
    assert (result.nearest_beyond is not None) is (not kept)


def test_remote_services_are_matched_by_coverage_not_distance():
    far_hotline = hotline("h", needs=frozenset({"legal"}), service_area=frozenset({"CD61"}))
    other_area = hotline("o", needs=frozenset({"legal"}), service_area=frozenset({"CD10"}))
    national = hotline("n", needs=frozenset({"legal"}))
    r = request("legal", area_pcodes=frozenset({"CD", "CD61", "CD6101"}), max_distance_km=1)
    result = match(r, [far_hotline, other_area, national])
    assert ids(need(result, "legal").remote) == ["h", "n"]
    assert ids(result.hotlines) == ["h", "n"]
