"""The fast gap computation against brute force on the seed data (demo + healthsites).

The grid-free k-d tree and every table built from its distances are compared with a plain
scan of every (place, service point) pair: exactly, with the same distance function
(Andoyer-Lambert), on all 13,960 places for the needs with few points and on a sample for
``medical`` (2,300 points); and within 0.01 % of geopy's exact geodesic on a sample.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.core.taxonomy import get_taxonomy
from directory.coverage import gaps
from directory.coverage.places import PLACE_CLASSES, coverage_places
from directory.coverage.supply import covers, supply
from directory.places.nearest import NearestIndex
from matching.geo import distance_km
from tests.coverage.conftest import AT

FEW_POINT_TARGETS = ("pep_24h", "legal", "psychosocial", "shelter")


def brute_distances(places, points):
    """Distance from each place to the nearest point by scanning every point."""
    found = (brute_force_nearest(p.lat, p.lon, points) for p in places)
    return [None if f is None else f[0] for f in found]


@pytest.mark.parametrize("target", FEW_POINT_TARGETS)
def test_every_place_matches_brute_force(seed_snapshot, target):
    report = gaps.compute(seed_snapshot, target, AT)
    points = [(p.lat, p.lon) for p in report.supply.points]
    assert list(report.distances) == brute_distances(report.places, points)


def test_medical_sample_matches_brute_force(seed_snapshot):
    report = gaps.compute(seed_snapshot, "medical", AT)
    points = [(p.lat, p.lon) for p in report.supply.points]
    assert len(points) > 2000
    rng = random.Random(12)
    sample = rng.sample(range(len(report.places)), 200)
    expected = brute_distances([report.places[i] for i in sample], points)
    assert [report.distances[i] for i in sample] == expected


@pytest.mark.parametrize(("target", "size"), [("medical", 6), ("pep_24h", 1000)])
def test_distances_agree_with_geopy_geodesic(seed_snapshot, target, size):
    report = gaps.compute(seed_snapshot, target, AT)
    points = [(p.lat, p.lon) for p in report.supply.points]
    sample = random.Random(7).sample(range(len(report.places)), size)
    for i in sample:
        place = report.places[i]
        exact = min(geodesic((place.lat, place.lon), point).km for point in points)
        assert report.distances[i] == pytest.approx(exact, rel=1e-4, abs=1e-6)


def brute_areas(places, distances, level):
    """The area table recomputed naively: {(pcode, class): (places, within..., unserved)}."""
    table = defaultdict(lambda: [0, *[0] * len(gaps.THRESHOLDS_KM), 0])
    for place, d in zip(places, distances, strict=True):
        code = {"country": "COD", "province": place.province_pcode}.get(
            level, place.territory_pcode
        )
        if code is None:
            continue
        for klass in ("all", place.place_class):
            row = table[(code, klass)]
            row[0] += 1
            for k, limit in enumerate(gaps.THRESHOLDS_KM):
                row[1 + k] += d is not None and d <= limit
            row[-1] += d is None
    return {key: tuple(v) for key, v in table.items()}


@pytest.mark.parametrize("level", gaps.LEVELS)
@pytest.mark.parametrize("target", ["legal", "pep_24h", "medical"])
def test_area_tables_match_a_naive_count(seed_snapshot, level, target):
    report = gaps.compute(seed_snapshot, target, AT)
    expected = brute_areas(report.places, report.distances, level)
    got = {
        (a.pcode, a.place_class): (a.places, *a.within, a.unserved)
        for a in report.areas(level)
        if a.places
    }
    assert got == expected
    assert {a.place_class for a in report.areas(level)} <= {"all", *PLACE_CLASSES}


def test_every_area_has_a_row_even_without_places(seed_snapshot):
    report = gaps.compute(seed_snapshot, "legal", AT)
    territories = {a.pcode for a in report.areas("territory") if a.place_class == "all"}
    assert territories == {a.pcode for a in get_taxonomy().areas.values() if a.level == 2}
    empty = [a for a in report.areas("territory") if a.places == 0]
    assert empty and all(a.shares == (None,) * 4 and a.median_km is None for a in empty)


def test_median_is_the_lower_middle_distance(seed_snapshot):
    report = gaps.compute(seed_snapshot, "pep_24h", AT)
    national = report.areas("country")[0]
    ordered = sorted(report.distances)
    assert national.median_km == round(ordered[(len(ordered) - 1) // 2], 1)


@pytest.mark.parametrize("target", ["legal", "shelter", "medical", "complaint"])
def test_territory_counts_match_a_scan(seed_snapshot, target):
    report = gaps.compute(seed_snapshot, target, AT)
    found = supply(seed_snapshot, target, AT)
    for row in report.territories():
        in_person = {p.service_id for p in found.points if p.territory_pcode == row.pcode}
        by_area = [s for s, area in found.by_area.items() if covers(area, row.pcode)]
        places = sum(1 for p in coverage_places() if p.territory_pcode == row.pcode)
        assert (row.in_person, row.by_area, row.places) == (len(in_person), len(by_area), places)
        assert row.no_service == (not in_person and not by_area)


def test_beyond_lists_exactly_the_far_places_farthest_first(seed_snapshot):
    report = gaps.compute(seed_snapshot, "pep_24h", AT)
    far = report.beyond(300)
    assert len(far) == sum(1 for d in report.distances if d > 300)
    distances = [d for _, d in far]
    assert distances == sorted(distances, reverse=True)
    kivu = report.beyond(300, "CD61")
    assert kivu == [(p, d) for p, d in far if p.province_pcode == "CD61"]


def test_without_any_point_every_place_is_unserved(seed_snapshot):
    # Both demo shelters are at confidential locations: no point counts, only their areas.
    report = gaps.compute(seed_snapshot, "shelter", AT)
    assert report.supply.points == () and len(report.supply.by_area) == 2
    national = report.areas("country")[0]
    assert national.unserved == national.places == len(report.places)
    assert national.within == (0, 0, 0, 0) and national.median_km is None
    assert all(d is None for _, d in report.beyond(10))


clustered = st.lists(
    st.tuples(st.floats(-13.5, 5.4, allow_nan=False), st.floats(12.0, 31.3, allow_nan=False)),
    min_size=0,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(points=clustered, queries=clustered, duplicate=st.booleans())
def test_nearest_index_is_exactly_brute_force(points, queries, duplicate):
    if duplicate and points:
        points = points + points[:5]  # equal points: the lowest index wins, as in a scan
    index = NearestIndex(points)
    for lat, lon in queries:
        assert index.nearest(lat, lon) == brute_force_nearest(lat, lon, points)


@settings(max_examples=50, deadline=None)
@given(
    centre=st.tuples(st.floats(-12, 4), st.floats(13, 30)),
    spread=st.floats(1e-6, 0.05),
    n=st.integers(1, 300),
    seed=st.integers(0, 1000),
)
def test_nearest_index_handles_dense_clusters(centre, spread, n, seed):
    rng = random.Random(seed)
    points = [
        (centre[0] + rng.gauss(0, spread), centre[1] + rng.gauss(0, spread)) for _ in range(n)
    ]
    index = NearestIndex(points)
    for lat, lon in [centre, (centre[0] + 1, centre[1] - 2), (-4.32, 15.31)]:
        assert index.nearest(lat, lon) == brute_force_nearest(lat, lon, points)


def brute_force_nearest(
    lat: float, lon: float, points: Sequence[tuple[float, float]]
) -> tuple[float, int] | None:
    """The same answer as :meth:`NearestIndex.nearest` by a scan of every point (the reference)."""
    best: tuple[float, int] | None = None
    for i, point in enumerate(points):
        d = distance_km(lat, lon, *point)
        if best is None or (d, i) < best:
            best = (d, i)
    return best
