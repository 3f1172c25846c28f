"""The matchmaker's widening candidate search gives the answer of the full search.

A directory of 3,000 DRC-shaped service locations (the benchmarks' generator: towns weighted
by population, confidential shelters, hotlines, schedules, verification dates) is loaded once
into a real SQLite file; hypothesis draws requests, and each is answered twice: as the API does
(radii per need that grow only as far as the answer needs, confidential services read only as
far as their lists can show) and by reading every service in range at once.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.datagen import Generator
from directory.search import engine
from directory.store.sqlite import SqliteStore

GENERATOR = Generator(3000, seed=5)
WEEK = datetime(2026, 11, 16, tzinfo=UTC)


@pytest.fixture(scope="module")
def directory_store(tmp_path_factory):
    store = SqliteStore(tmp_path_factory.mktemp("widening") / "njia.sqlite3")
    store.init_schema()
    store.import_all(GENERATOR.listings())
    yield store
    store.close()


REQUESTS = st.fixed_dictionaries(
    {
        "needs": st.lists(
            st.sampled_from(["medical", "psychosocial", "legal", "shelter", "material"]),
            min_size=1,
            max_size=3,
            unique=True,
        ).map(tuple),
        "hours_since_incident": st.sampled_from([None, 10.0, 100.0, 300.0]),
        "sex": st.sampled_from([None, "female", "male"]),
        "age": st.sampled_from([None, 9, 24]),
        "languages": st.sampled_from([frozenset(), frozenset({"sw"}), frozenset({"ln", "fr"})]),
        "accessibility": st.just(frozenset()),
        "max_distance_km": st.sampled_from([5.0, 30.0, 100.0]),
        "limit": st.integers(1, 5),
        "mode": st.sampled_from(["walking", "motorbike", "car"]),
        "at": st.integers(0, 7 * 24 - 1).map(lambda h: WEEK + timedelta(hours=h)),
    }
)


def _answer(store, point, options, audience, full=False):
    if not full:
        return engine.run_match(store, point, options, audience)
    saved = engine.FIRST_RADIUS_KM, engine.RADIUS_GROWTH, engine.CONFIDENTIAL_BATCH
    engine.FIRST_RADIUS_KM = engine.RADIUS_GROWTH = float("inf")
    engine.CONFIDENTIAL_BATCH = 10**9
    try:
        return engine.run_match(store, point, options, audience)
    finally:
        (engine.FIRST_RADIUS_KM, engine.RADIUS_GROWTH,
         engine.CONFIDENTIAL_BATCH) = saved  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(seed=st.integers(0, 10**6), options=REQUESTS, audience=st.sampled_from(["public", "staff"]))
@pytest.mark.slow
def test_the_widening_search_answers_as_the_full_search(directory_store, seed, options, audience):
    lat, lon = GENERATOR.point(random.Random(seed))
    point = engine.point_from(lat, lon)
    fast = _answer(directory_store, point, options, audience)
    assert fast == _answer(directory_store, point, options, audience, full=True)
