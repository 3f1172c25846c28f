"""Confidential locations never leak their point to the public; restricted ones stay with staff."""

from hypothesis import given, settings
from hypothesis import strategies as st
from matcher_factories import candidate, codes, hotline, ids, moved, need, request

from matching import match

SHELTER = frozenset({"shelter", "psychosocial"})


def safe_house(**fields):
    defaults = {
        "name": "Maison sûre",
        "needs": SHELTER,
        "confidentiality": "confidential",
        "capacity_available": 2,
        "area_pcodes": frozenset({"CD61", "CD6101"}),
        "service_area": frozenset({"CD61"}),
        "at": (3, 0),
    }
    defaults.update(fields)
    return candidate("safe", **defaults)


PUBLIC_REQUEST = request("shelter", "psychosocial", area_pcodes=frozenset({"CD", "CD61"}))


def test_the_public_gets_a_confidential_service_without_its_point():
    result = match(PUBLIC_REQUEST, [safe_house()])
    shelter = need(result, "shelter")
    assert shelter.results == ()
    (rec,) = shelter.remote
    assert rec.distance_km is None and rec.travel_minutes is None
    assert rec.candidate.lat is None and rec.candidate.lon is None
    assert rec.candidate.area_pcodes == frozenset()
    assert "location_withheld" in codes(rec.warnings)
    assert "one_stop" not in codes(rec.reasons)
    assert result.care_plan == ()
    assert shelter.nearest_beyond is None


def test_the_public_gets_it_only_where_its_service_area_reaches():
    elsewhere = request("shelter", area_pcodes=frozenset({"CD", "CD10"}))
    assert need(match(elsewhere, [safe_house()]), "shelter").remote == ()


def test_staff_get_the_point_and_distance_order():
    staff = request("shelter", audience="staff")
    shelter = need(match(staff, [safe_house()]), "shelter")
    (rec,) = shelter.results
    assert rec.distance_km is not None
    assert rec.candidate.lat is not None
    assert shelter.remote == ()


def test_restricted_locations_are_for_staff_only():
    clinic = candidate("clinic", confidentiality="restricted")
    assert need(match(request(), [clinic]), "medical").results == ()
    assert need(match(request(), [clinic]), "medical").nearest_beyond is None
    assert ids(need(match(request(audience="staff"), [clinic]), "medical").results) == ["clinic"]


def test_a_far_confidential_service_is_not_offered_as_nearest_beyond():
    far = safe_house(at=(300, 0), service_area=frozenset({"CD10"}))
    shelter = need(match(PUBLIC_REQUEST, [far]), "shelter")
    assert shelter.nearest_beyond is None
    assert shelter.unmet


NEIGHBOURS = [
    candidate("open-shelter", needs=SHELTER, capacity_available=1, at=(4, 1)),
    candidate("clinic", needs=frozenset({"psychosocial", "medical"}), at=(2, -2)),
    hotline("line"),
]


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-14, 6, allow_nan=False),
    st.floats(11, 32, allow_nan=False),
    st.booleans(),
)
def test_moving_a_confidential_location_changes_nothing_for_the_public(lat, lon, drop_point):
    before = match(PUBLIC_REQUEST, [safe_house(), *NEIGHBOURS])
    relocated = moved(safe_house(), lat, lon)
    if drop_point:
        relocated = moved(relocated, None, None)
    after = match(PUBLIC_REQUEST, [relocated, *NEIGHBOURS])
    assert after == before


def test_a_confidential_candidate_passed_without_point_is_handled_the_same():
    with_point = match(PUBLIC_REQUEST, [safe_house(), *NEIGHBOURS])
    without = match(PUBLIC_REQUEST, [moved(safe_house(), None, None), *NEIGHBOURS])
    assert with_point == without
