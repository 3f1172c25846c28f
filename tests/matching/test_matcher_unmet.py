"""Unmet needs are never met with silence; remote services and hotlines."""

from matcher_factories import candidate, codes, hotline, ids, need, param, request

from matching import Alert, match


def test_an_unmet_need_names_itself_the_nearest_beyond_and_the_hotlines():
    far = candidate("far", at=(140, 0), needs=frozenset({"legal"}))
    farther = candidate("farther", at=(200, 0), needs=frozenset({"legal"}))
    result = match(request("legal"), [farther, far, hotline("h")])
    legal = need(result, "legal")
    assert legal.results == ()
    assert legal.remote == ()
    assert legal.unmet
    assert codes(legal.messages) == ["none_in_range", "unmet", "see_hotlines"]
    assert param(legal.messages, "unmet", "need") == "legal"
    assert param(legal.messages, "none_in_range", "max_distance_km") == "100"
    assert legal.nearest_beyond is not None
    assert legal.nearest_beyond.candidate.service_id == "far"
    assert param(legal.nearest_beyond.warnings, "beyond_range", "max_distance_km") == "100"
    assert ids(result.hotlines) == ["h"]
    assert result.uncovered == ("legal",)


def test_nearest_beyond_must_pass_every_other_filter():
    closed = candidate("closed", at=(120, 0), needs=frozenset({"legal"}), status="inactive")
    adults = candidate("adults", at=(130, 0), needs=frozenset({"legal"}), min_age=18)
    ok = candidate("ok", at=(300, 0), needs=frozenset({"legal"}))
    legal = need(match(request("legal", age=15), [closed, adults, ok]), "legal")
    assert legal.nearest_beyond is not None
    assert legal.nearest_beyond.candidate.service_id == "ok"


def test_with_nothing_anywhere_the_need_is_still_answered():
    result = match(request("livelihood"), [])
    livelihood = need(result, "livelihood")
    assert livelihood.unmet
    assert livelihood.nearest_beyond is None
    assert codes(livelihood.messages) == ["none_in_range", "unmet"]
    assert result.hotlines == ()
    assert result.care_plan == ()
    assert result.uncovered == ("livelihood",)


def test_a_need_met_only_remotely_is_not_unmet_but_has_no_stop():
    legal_line = hotline("line", needs=frozenset({"legal"}))
    result = match(request("legal"), [legal_line])
    legal = need(result, "legal")
    assert legal.results == ()
    assert ids(legal.remote) == ["line"]
    assert not legal.unmet
    assert "none_in_range" not in codes(legal.messages)  # the line serves it
    assert result.uncovered == ("legal",)


def test_needs_keep_request_order_and_each_has_a_result():
    result = match(request("shelter", "medical", "legal"), [candidate("a")])
    assert [r.need for r in result.needs] == ["shelter", "medical", "legal"]
    assert [r.unmet for r in result.needs] == [True, False, True]


def test_remote_list_is_ordered_by_name_then_id_and_limited():
    lines = [
        hotline("z", name="Alpha", needs=frozenset({"legal"})),
        hotline("y", name="alpha", needs=frozenset({"legal"})),
        hotline("x", name="Beta", needs=frozenset({"legal"})),
        hotline("w", name="Gamma", needs=frozenset({"legal"})),
    ]
    legal = need(match(request("legal", limit=3), lines), "legal")
    assert ids(legal.remote) == ["z", "y", "x"]  # "Alpha" before "alpha": exact name breaks it
    for rec in legal.remote:
        assert rec.distance_km is None
        assert rec.travel_minutes is None
        assert "covers_area" in codes(rec.reasons)


def test_hotlines_cover_requested_needs_first_then_complaint_and_case_management():
    general = hotline("general", name="A general line")
    legal = hotline("legal", name="Z legal line", needs=frozenset({"legal"}))
    food = hotline("food", name="Food", needs=frozenset({"material"}))
    blocked = hotline("blocked", alert=Alert("Hors service", blocking=True))
    elsewhere = hotline("elsewhere", service_area=frozenset({"CD10"}))
    result = match(
        request("legal", area_pcodes=frozenset({"CD", "CD61"})),
        [general, legal, food, blocked, elsewhere],
    )
    assert ids(result.hotlines) == ["legal", "general"]
    assert codes(result.hotlines[1].reasons)[:2] == ["meets_need", "meets_need"]


def test_hotlines_are_limited():
    lines = [hotline(f"h{i}") for i in range(9)]
    assert len(match(request("legal"), lines).hotlines) == 5


def test_remote_services_never_get_a_distance_even_with_a_point():
    office = hotline("office", lat=-1.7, lon=29.2, needs=frozenset({"legal"}))
    legal = need(match(request("legal"), [office]), "legal")
    assert legal.results == ()
    assert ids(legal.remote) == ["office"]
    assert legal.remote[0].distance_km is None


def test_what_a_rule_left_out_is_counted_by_rule_with_the_nearest_for_staff():
    """Issue 19, item 4: a male survivor's shelter search says that a women-only shelter
    3 km away was left out, instead of a bare "nothing"."""
    women = candidate("women", at=(3, 0), needs=frozenset({"shelter"}),
                      sexes=frozenset({"female"}), capacity_available=4)  # fmt: skip
    full = candidate("full", at=(5, 0), needs=frozenset({"shelter"}), capacity_available=0)
    far_full = candidate("far", at=(8, 0), needs=frozenset({"shelter"}), capacity_available=0)
    beyond = candidate("beyond", at=(300, 0), needs=frozenset({"shelter"}),
                       sexes=frozenset({"female"}))  # fmt: skip
    cs = [women, full, far_full, beyond]
    staff = need(match(request("shelter", sex="male", audience="staff"), cs), "shelter")
    assert staff.results == ()
    assert [(x.rule, x.count) for x in staff.left_out] == [("sex", 1), ("no_capacity", 2)]
    assert staff.left_out[0].nearest.candidate.service_id == "women"
    assert staff.left_out[1].nearest.candidate.service_id == "full"
    public = need(match(request("shelter", sex="male"), cs), "shelter")
    assert [(x.rule, x.count, x.nearest) for x in public.left_out] == [
        ("sex", 1, None), ("no_capacity", 2, None),
    ]  # fmt: skip


def test_restricted_places_are_never_counted_for_the_public():
    hidden = candidate("hidden", needs=frozenset({"legal"}), confidentiality="restricted")
    legal = need(match(request("legal"), [hidden]), "legal")
    assert legal.left_out == ()
