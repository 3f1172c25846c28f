"""Clinical urgency: the PEP (72 h) and emergency-contraception (120 h) windows."""

from datetime import timedelta

import pytest
from matcher_factories import (
    AT,
    EAST_TZ,
    KINSHASA,
    KINSHASA_TZ,
    candidate,
    codes,
    hotline,
    ids,
    need,
    param,
    request,
)

from matching import OpeningHours, match
from matching.clinical import medical_urgency

PEP = frozenset({"pep", "cmr"})
EC = frozenset({"emergency_contraception"})
MORNINGS = tuple(OpeningHours(day, "08:00", "12:00") for day in range(7))  # local time
DAYTIME = tuple(OpeningHours(day, "08:00", "18:00") for day in range(7))


@pytest.mark.parametrize(
    ("hours", "sex", "needs", "capability"),
    [
        (None, None, ("medical",), None),
        (0, None, ("medical",), "pep"),
        (72, None, ("medical",), "pep"),
        (72.5, None, ("medical",), "emergency_contraception"),
        (120, "female", ("medical",), "emergency_contraception"),
        (120.5, None, ("medical",), None),
        (100, "male", ("medical",), None),  # emergency contraception does not apply
        (50, "male", ("medical",), "pep"),
        (10, None, ("legal",), None),  # no medical need, nothing is urgent
    ],
)
def test_windows(hours, sex, needs, capability):
    urgency = medical_urgency(request(*needs, hours_since_incident=hours, sex=sex))
    assert (urgency.capability if urgency else None) == capability


@pytest.mark.parametrize(
    ("fields", "kept"),
    [
        ({"capabilities": PEP}, True),
        ({"capabilities": frozenset({"cmr"})}, False),  # no PEP recorded
        ({"capabilities": PEP, "stock_out": frozenset({"dignity_kits"})}, True),
        # AT is 12:00 in Goma: the mornings-only clinic has just closed, the day clinic is open.
        ({"capabilities": PEP, "always_open": False, "hours": MORNINGS}, False),
        ({"capabilities": PEP, "always_open": False, "hours": DAYTIME}, True),
        ({"capabilities": PEP, "always_open": False, "hours": ()}, False),  # hours unknown
    ],
)
def test_inside_the_pep_window_only_services_that_can_give_it_now_count(fields, kept):
    result = need(match(request(hours_since_incident=10), [candidate("a", **fields)]), "medical")
    assert result.urgent
    assert bool(result.results) is kept


PEP_OUT = {"capabilities": PEP | {"emergency_contraception"}, "stock_out": frozenset({"pep"})}


def test_a_stock_out_hides_only_what_is_out_and_the_answer_names_where_it_is_given():
    """The hospital 1.4 km away is out of PEP: it still gives its other care, with a warning,
    and the answer says nothing near gives PEP now and names the place 101 km away that does
    (issue 19, item 3)."""
    hospital = candidate("hospital", at=(1.4, 0), **PEP_OUT)
    far = candidate("far", at=(101, 0), capabilities=PEP)
    medical = need(match(request(hours_since_incident=10), [hospital, far]), "medical")
    assert ids(medical.results) == ["hospital"]
    assert codes(medical.results[0].warnings)[:2] == ["treatment_out_of_stock", "stock_out"]
    assert "urgent_none_open" in codes(medical.messages)
    assert not medical.unmet
    assert medical.nearest_beyond is not None
    assert medical.nearest_beyond.candidate.service_id == "far"


def test_a_place_that_gives_the_treatment_ranks_before_a_nearer_one_out_of_stock():
    hospital = candidate("hospital", at=(1.4, 0), **PEP_OUT)
    clinic = candidate("clinic", at=(30, 0), capabilities=PEP)
    for limit in (1, 5):
        medical = need(
            match(request(hours_since_incident=10, limit=limit), [hospital, clinic]), "medical"
        )
        assert ids(medical.results) == ["clinic", "hospital"][:limit]
        assert "urgent_none_open" not in codes(medical.messages)
        assert medical.nearest_beyond is None


def test_out_of_stock_places_closed_now_are_not_offered_in_the_window():
    hospital = candidate("hospital", always_open=False, hours=MORNINGS, **PEP_OUT)
    medical = need(match(request(hours_since_incident=10), [hospital]), "medical")
    assert medical.results == ()


def test_after_the_window_a_stock_out_is_only_a_warning():
    hospital = candidate("hospital", **PEP_OUT)
    medical = need(match(request(hours_since_incident=200), [hospital]), "medical")
    assert ids(medical.results) == ["hospital"]
    assert "treatment_out_of_stock" not in codes(medical.results[0].warnings)


def test_open_now_is_judged_in_each_locations_zone():
    # 10:30 UTC: 11:30 in Kinshasa (open until 12:00), 12:30 in Goma (closed since 12:00).
    at = AT + timedelta(minutes=30)
    west = candidate("west", tz=KINSHASA_TZ, always_open=False, hours=MORNINGS, capabilities=PEP)
    east = candidate("east", tz=EAST_TZ, always_open=False, hours=MORNINGS, capabilities=PEP)
    result = match(request(hours_since_incident=5, at=at), [west, east])
    assert ids(need(result, "medical").results) == ["west"]
    east_only = need(match(request(hours_since_incident=5, at=at), [east]), "medical")
    assert east_only.results == ()
    assert east_only.opens_soonest is not None
    assert east_only.opens_soonest.next_open is not None
    assert east_only.opens_soonest.next_open.isoformat() == "2026-12-01T08:00:00+02:00"


def test_urgent_results_are_ordered_by_travel_time_alone():
    near_stale = candidate(
        "near", at=(2, 0), capabilities=PEP, last_verified_at=AT - timedelta(days=400)
    )
    far_good = candidate(
        "far",
        at=(3, 0),
        capabilities=PEP,
        needs=frozenset({"medical", "psychosocial"}),
        languages=frozenset({"sw"}),
        last_verified_at=AT - timedelta(days=1),
    )
    r = request("medical", "psychosocial", hours_since_incident=1, languages=frozenset({"sw"}))
    medical = need(match(r, [far_good, near_stale]), "medical")
    assert ids(medical.results) == ["near", "far"]
    assert [rec.score for rec in medical.results] == sorted(rec.score for rec in medical.results)
    # Outside the window the adjustments apply and the better listing comes first.
    later = need(match(request("medical", "psychosocial"), [far_good, near_stale]), "medical")
    assert ids(later.results) == ["far", "near"]


def test_between_72_and_120_hours_emergency_contraception_decides():
    pep_only = candidate("pep", at=(1, 0), capabilities=PEP)
    ec = candidate("ec", at=(5, 0), capabilities=EC)
    result = need(match(request(hours_since_incident=80), [pep_only, ec]), "medical")
    assert ids(result.results) == ["ec"]
    assert param(result.messages, "urgent", "capability") == "emergency_contraception"
    assert param(result.messages, "urgent", "hours_left") == "40"


def test_after_the_windows_medical_is_ordinary():
    closed = candidate("a", always_open=False, hours=MORNINGS, capabilities=frozenset({"cmr"}))
    result = need(match(request(hours_since_incident=200), [closed]), "medical")
    assert not result.urgent
    assert ids(result.results) == ["a"]
    assert "closed_now" in codes(result.results[0].warnings)
    assert "no_report_needed" in codes(result.messages)


def test_when_nothing_can_give_pep_now_say_so_and_offer_what_opens_soonest():
    # Both closed at 12:00 Goma time. "soon" opens at 13:00 but is 30 km away (~101 min by
    # motorbike, arriving ~13:41); "later" opens at 14:00 and is 3 km away: care starts at 13:41
    # at "soon" versus 14:00 at "later".
    soon = candidate(
        "soon",
        at=(30, 0),
        capabilities=PEP,
        always_open=False,
        hours=tuple(OpeningHours(d, "13:00", "18:00") for d in range(7)),
    )
    later = candidate(
        "later",
        at=(3, 0),
        capabilities=PEP,
        always_open=False,
        hours=tuple(OpeningHours(d, "14:00", "18:00") for d in range(7)),
    )
    result = match(request(hours_since_incident=71.5), [soon, later, hotline("h")])
    medical = need(result, "medical")
    assert medical.results == ()
    assert medical.unmet
    assert codes(medical.messages) == [
        "urgent",
        "no_report_needed",
        "urgent_none_open",
        "unmet",
        "see_hotlines",
    ]
    assert medical.opens_soonest is not None
    assert medical.opens_soonest.candidate.service_id == "soon"
    # 71.5 h since the incident: the PEP window closes before either can start care.
    assert "beyond_window" in codes(medical.opens_soonest.warnings)
    assert ids(result.hotlines) == ["h"]


def test_opens_soonest_inside_the_window_has_no_window_warning():
    soon = candidate(
        "soon",
        capabilities=PEP,
        always_open=False,
        hours=tuple(OpeningHours(d, "13:00", "18:00") for d in range(7)),
    )
    medical = need(match(request(hours_since_incident=10), [soon]), "medical")
    assert medical.opens_soonest is not None
    assert "beyond_window" not in codes(medical.opens_soonest.warnings)
    assert "closed_now" in codes(medical.opens_soonest.warnings)


def test_an_open_pep_service_beyond_range_is_named():
    far = candidate("far", at=(150, 0), capabilities=PEP)
    medical = need(match(request(hours_since_incident=3), [far]), "medical")
    assert medical.results == ()
    assert medical.nearest_beyond is not None
    assert medical.nearest_beyond.candidate.service_id == "far"
    assert "beyond_range" in codes(medical.nearest_beyond.warnings)
    assert medical.opens_soonest is None


def test_urgency_follows_the_survivor_not_the_town():
    kinshasa_clinic = candidate(
        "k", tz=KINSHASA_TZ, lat=KINSHASA[0], lon=KINSHASA[1], capabilities=PEP
    )
    r = request(point=KINSHASA, hours_since_incident=2)
    assert ids(need(match(r, [kinshasa_clinic]), "medical").results) == ["k"]


def test_no_urgent_none_open_while_a_front_door_gives_pep_now():
    """A confidential clinic (point-less for the public) that gives PEP 24/7 serves the urgent
    need: the answer must not also say that nothing can give it now (issue 19, item 6)."""
    clinic = candidate("hidden", capabilities=PEP, confidentiality="confidential")
    medical = need(match(request(hours_since_incident=5), [clinic]), "medical")
    assert medical.results == () and ids(medical.remote) == ["hidden"]
    assert "urgent_none_open" not in codes(medical.messages)
    assert not medical.unmet
