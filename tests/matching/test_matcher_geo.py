"""Distances agree with geopy's exact geodesic; travel times follow the documented factors."""

import math

import pytest
from geopy.distance import geodesic
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from matching import geo

DRC_LAT = st.floats(-14, 6, allow_nan=False)
DRC_LON = st.floats(11, 32, allow_nan=False)
ANY_LAT = st.floats(-90, 90, allow_nan=False)
ANY_LON = st.floats(-180, 180, allow_nan=False)


def relative_error(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    exact = geodesic((lat1, lon1), (lat2, lon2)).km
    ours = geo.distance_km(lat1, lon1, lat2, lon2)
    if exact < 1e-9:
        return abs(ours - exact)
    return abs(ours - exact) / exact


@settings(max_examples=300, deadline=None)
@given(DRC_LAT, DRC_LON, DRC_LAT, DRC_LON)
def test_drc_distances_match_geopy(lat1, lon1, lat2, lon2):
    assert relative_error(lat1, lon1, lat2, lon2) < 1e-5


@settings(max_examples=200, deadline=None)
@given(
    DRC_LAT,
    DRC_LON,
    st.floats(-0.05, 0.05, allow_nan=False),
    st.floats(-0.05, 0.05, allow_nan=False),
)
def test_short_distances_match_geopy(lat, lon, dlat, dlon):
    assert relative_error(lat, lon, lat + dlat, lon + dlon) < 1e-5


@settings(max_examples=300, deadline=None)
@given(ANY_LAT, ANY_LON, ANY_LAT, ANY_LON)
def test_long_distances_match_geopy(lat1, lon1, lat2, lon2):
    assume(geodesic((lat1, lon1), (lat2, lon2)).km < 19_000)
    assert relative_error(lat1, lon1, lat2, lon2) < 1e-4


@settings(max_examples=300, deadline=None)
@given(
    ANY_LAT,
    ANY_LON,
    st.floats(-3, 3, allow_nan=False),
    st.floats(-3, 3, allow_nan=False),
)
def test_nearly_antipodal_distances_stay_within_a_thousandth(lat, lon, dlat, dlon):
    lat2 = max(-90.0, min(90.0, -lat + dlat))
    lon2 = (lon + 180 + dlon + 180) % 360 - 180
    assert relative_error(lat, lon, lat2, lon2) < 1e-3


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((90, 0), (-90, 0)),  # pole to pole
        ((0, 0), (0, 180)),  # antipodes on the equator
        ((0, 0), (0, 179.5)),
        ((-4.3217, 15.3126), (4.3217, -164.6874)),  # Kinshasa and its antipode
    ],
)
def test_antipodal_cases(a, b):
    assert relative_error(*a, *b) < 1e-3


@settings(max_examples=100, deadline=None)
@given(DRC_LAT, DRC_LON, DRC_LAT, DRC_LON)
def test_distance_is_symmetric_and_zero_only_at_the_same_point(lat1, lon1, lat2, lon2):
    assert geo.distance_km(lat1, lon1, lat2, lon2) == pytest.approx(
        geo.distance_km(lat2, lon2, lat1, lon1), rel=1e-12
    )
    assert geo.distance_km(lat1, lon1, lat1, lon1) == 0.0


@pytest.mark.parametrize(
    ("km", "mode", "minutes"),
    [
        (0.0, "walking", 0),
        (1.0, "walking", 21),  # 1 km * 1.4 / 4 km/h = 21 min
        (10.0, "motorbike", 34),  # 10 * 1.4 / 25 * 60 = 33.6 -> 34
        (10.0, "car", 28),  # 10 * 1.4 / 30 * 60 = 28
        (0.001, "car", 1),  # any positive distance is at least a minute
    ],
)
def test_travel_minutes_round_up_documented_speeds(km, mode, minutes):
    assert geo.travel_minutes(km, mode) == minutes


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 2000, allow_nan=False), st.sampled_from(sorted(geo.SPEED_KMH)))
def test_travel_minutes_is_the_ceiling_of_the_exact_estimate(km, mode):
    exact = km * geo.ROAD_DETOUR_FACTOR / geo.SPEED_KMH[mode] * 60
    assert geo.travel_minutes(km, mode) == math.ceil(round(exact, 6))
    assert geo.travel_minutes(km, mode) >= exact - 1e-6
    assert geo.travel_minutes_exact(km, mode) == pytest.approx(exact)


def test_unknown_mode_raises():
    with pytest.raises(KeyError):
        geo.travel_minutes(1.0, "boat")
