"""Property (GUIDE §4.3): over random directories with confidential shelters, no public answer
shows a shelter's point, landmark or name, and moving the shelters changes no public byte.

Public answers compared: the search page (by place name and by device point), the front page,
every provider page, ``POST /api/v1/match``, and the ``/api/v1`` service and location lists,
with their status and ETag.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any
from unittest.mock import patch

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory import create_app
from directory import store as store_holder
from directory.pages import search
from directory.store import get_store
from tests import factories
from tests.pages.helpers import MONDAY_MORNING

NEEDS = ("medical", "psychosocial", "shelter")


def _degrees(low: int, high: int) -> st.SearchStrategy[float]:
    """Coordinates with exactly 5 decimals (in 1e-5 degrees), easy to look for in text."""
    return st.integers(low, high).filter(lambda n: n % 10 != 0).map(lambda n: n / 100_000)


# Public places lie west and south of the shelters, so no public number can spell a shelter's.
PUBLIC_LAT, PUBLIC_LON = _degrees(-190_000, -160_000), _degrees(2_900_000, 2_930_000)
SHELTER_LAT, SHELTER_LON = _degrees(-150_000, -130_000), _degrees(2_940_000, 2_960_000)
TOKEN = st.text("bcdfghjkmnpqrstvwxz", min_size=8, max_size=8).map(lambda s: "zq" + s)


@st.composite
def shelters(draw: st.DrawFn) -> dict[str, Any]:
    """A confidential location: its point, landmark and name token, and where it moves."""
    return {
        "at": (draw(SHELTER_LAT), draw(SHELTER_LON)),
        "to": (draw(SHELTER_LAT), draw(SHELTER_LON)),
        "landmark": draw(TOKEN),
        "moved_landmark": draw(TOKEN),
        "needs": draw(st.lists(st.sampled_from(NEEDS), min_size=1, unique=True)),
    }


@st.composite
def directories(draw: st.DrawFn) -> dict[str, Any]:
    public = draw(
        st.lists(
            st.tuples(
                PUBLIC_LAT, PUBLIC_LON, st.lists(st.sampled_from(NEEDS), min_size=1, unique=True)
            ),
            max_size=3,
        )
    )
    return {"public": public, "shelters": draw(st.lists(shelters(), min_size=1, max_size=2))}


def _build(store, directory: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """Write the directory; return every service id and the confidential locations."""
    org = store.create("organization", factories.organization(name="Org"), "test")
    services, secret = [], []
    for lat, lon, needs in directory["public"]:
        loc = store.create(
            "location",
            factories.location(org["id"], latitude=lat, longitude=lon,
                               description="Près du marché"),
            "test",
        )  # fmt: skip
        svc = factories.service(org["id"], [loc["id"]], needs=needs, name="Clinique")
        services.append(store.create("service", svc, "test")["id"])
    for shelter in directory["shelters"]:
        lat, lon = shelter["at"]
        loc = store.create(
            "location",
            factories.location(
                org["id"], latitude=lat, longitude=lon, confidentiality="confidential",
                description=shelter["landmark"], name=f"Maison {shelter['landmark']}",
            ),
            "test",
        )  # fmt: skip
        phones = [{"number": "+243 970 000 301", "type": "hotline"}]
        svc = factories.service(
            org["id"], [loc["id"]], needs=shelter["needs"], name="Refuge", service_area=["CD61"],
            phones=phones, schedule={"always_open": True},
        )  # fmt: skip
        services.append(store.create("service", svc, "test")["id"])
        secret.append(loc)
    return services, secret


def _move(store, secret: list[dict[str, Any]], directory: dict[str, Any]) -> None:
    for loc, shelter in zip(secret, directory["shelters"], strict=True):
        lat, lon = shelter["to"]
        moved = {**loc, "latitude": lat, "longitude": lon,
                 "description": shelter["moved_landmark"]}  # fmt: skip
        store.update("location", loc["id"], moved, loc["version"], "test")


def _public_answers(client, services: list[str]) -> list[tuple[str, int, bytes, str | None]]:
    needs = list(NEEDS)
    match = {"location": {"lat": -1.67, "lon": 29.22}, "needs": needs,
             "at": MONDAY_MORNING.isoformat()}  # fmt: skip
    responses = {
        "home": client.get("/"),
        "page by name": client.post("/", data={"place": "Goma", "needs": needs}),
        "page urgent": client.post("/", data={"place": "Goma", "needs": needs, "when": "3d"}),
        "page by point": client.post("/", data={"lat": "-1.52", "lon": "29.41", "needs": needs}),
        "api match": client.post("/api/v1/match", json=match),
        "api services": client.get("/api/v1/services"),
        "api shelters": client.get("/api/v1/services?need=shelter"),
        "api locations": client.get("/api/v1/locations"),
        "api area": client.get("/api/v1/locations?area=CD61"),
    }
    for service_id in services:
        responses[service_id] = client.get(f"/services/{service_id}")
        responses[f"api {service_id}"] = client.get(f"/api/v1/services/{service_id}")
    return [(name, r.status_code, r.get_data(), r.headers.get("ETag"))
            for name, r in responses.items()]  # fmt: skip


def _secrets(directory: dict[str, Any]) -> list[str]:
    words = []
    for shelter in directory["shelters"]:
        for lat, lon in (shelter["at"], shelter["to"]):
            words += [repr(lat), repr(lon), f"{lat:.4f}", f"{lon:.4f}"]
        words += [shelter["landmark"], shelter["moved_landmark"]]
    return words


@functools.cache
def _app() -> Flask:
    """One app for every example (templates compile once); each example gets its own file."""
    return create_app({"TESTING": True, "DATABASE": ":memory:"})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(directories())
def test_confidential_shelters_never_show_and_moving_them_changes_no_public_byte(directory):
    app = _app()
    with tempfile.TemporaryDirectory() as tmp, patch.object(search, "now", lambda: MONDAY_MORNING):
        app.config["DATABASE"] = str(Path(tmp) / "njia.sqlite3")
        store_holder.init_app(app)  # a fresh, empty directory for this example
        try:
            with app.app_context():
                store = get_store()
                services, secret = _build(store, directory)
                client = app.test_client()
                before = _public_answers(client, services)
                _move(store, secret, directory)
                after = _public_answers(client, services)
        finally:
            app.extensions["njia_store"].close()
    assert [a[:2] for a in before] == [a[:2] for a in after]
    for (name, _, body, etag), (_, _, moved_body, moved_etag) in zip(before, after, strict=True):
        assert body == moved_body, name
        assert etag == moved_etag, name
    text = "\n".join(body.decode() for _, _, body, _ in before + after)
    assert [word for word in _secrets(directory) if word in text] == []
    assert "Refuge" in text  # the shelters are offered, by their front door
