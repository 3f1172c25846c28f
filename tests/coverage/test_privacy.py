"""A confidential location's point is never used: moving a safe shelter changes no number,
no table, no picture (GUIDE §4.3, ``docs/coverage.md``)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.coverage import gaps, network, tables
from directory.coverage.snapshot import Snapshot
from tests.coverage.conftest import AT

TARGETS = ("shelter", "safety", "material")  # the demo shelters' needs


@pytest.fixture(scope="module")
def seed_answers(seed_snapshot):
    return everything(seed_snapshot)


def everything(snapshot):
    """Every table coverage and the network publish for the shelters' needs."""
    out = {}
    for target in TARGETS:
        report = gaps.compute(snapshot, target, AT)
        out[target] = (
            report.distances,
            [tables.area_rows(report, level) for level in gaps.LEVELS],
            tables.territory_rows(report),
        )  # per-place rows are a function of the distances
    graph = network.build_graph(snapshot, AT)
    out["network"] = (
        [tables.node_row(n) for n in graph.nodes.values()],
        tables.path_rows(network.path_gaps(graph)),
    )
    return out


def moved(listings, confidentiality, lat, lon, adm1="CD54"):
    """The listings with every location of that tier moved to (lat, lon) in province adm1."""
    return Snapshot.from_listings(
        (kind, {**doc, "latitude": lat, "longitude": lon, "adm1_pcode": adm1})
        if kind == "location" and doc["confidentiality"] == confidentiality
        else (kind, doc)
        for kind, doc in listings
    )


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lat=st.floats(-13.0, 5.0, allow_nan=False),
    lon=st.floats(12.5, 31.0, allow_nan=False),
    adm1=st.sampled_from(["CD10", "CD54", "CD61", "CD62", "CD71"]),
)
def test_moving_confidential_locations_changes_nothing(seed_listings, seed_answers, lat, lon, adm1):
    assert everything(moved(seed_listings, "confidential", lat, lon, adm1)) == seed_answers


def test_moving_public_locations_does_change_the_answer(seed_listings, seed_answers):
    # The check above would be empty if the tables did not depend on locations at all.
    assert everything(moved(seed_listings, "public", 1.0, 20.0)) != seed_answers
