"""The in-process match index (directory/search/index.py) answers as the store, stays fresh
across workers, and gives every match the answer of the full search, on both stores."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.datagen import Generator
from directory.search import engine
from directory.search.index import MatchIndex
from directory.store import open_store
from matching.geo import distance_km
from tests import factories as f
from tests.conftest import bearer
from tests.test_widening_search import _answer as full_search_answer

ACTOR = "test"
GENERATOR = Generator(600, seed=11)
AT = datetime(2026, 11, 17, 9, tzinfo=UTC)


@pytest.fixture
def directory(store):
    """A generated directory of 600 service locations in a fresh store."""
    store.import_all(GENERATOR.listings())
    return store


def _built(store) -> MatchIndex:
    index = MatchIndex(store, min_services=0)
    assert index.ready()
    return index


def _full(store, point, options, audience):
    """The reference: every service in range read at once, from the store (no index)."""
    return full_search_answer(store, point, options, audience, full=True)


def test_the_nearby_rows_hold_every_row_the_store_finds_within_the_radius(directory):
    index = _built(directory)
    rng = random.Random(3)
    for _ in range(40):
        lat, lon = GENERATOR.point(rng)
        radius = rng.choice([1.0, 5.0, 30.0, 200.0])
        needs = rng.sample(["medical", "psychosocial", "legal", "shelter"], 2)
        tiers = rng.choice([frozenset({"public"}), frozenset({"public", "restricted"})])
        stored = directory.candidates_near(lat, lon, radius, needs, tiers)
        within = {r.key for r in stored if not r.remote and distance_km(
            lat, lon, r.location["latitude"], r.location["longitude"]) <= radius}  # fmt: skip
        found = index.candidates_near(lat, lon, radius, needs, tiers)
        assert within <= {r.key for r in found}
        wider = directory.candidates_near(lat, lon, radius * 1.02, needs, tiers)  # the margin
        assert {r.key for r in found} <= {r.key for r in wider}  # never another row
        rings = index.candidates_near(lat, lon, radius / 3, needs, tiers) + index.candidates_near(
            lat, lon, radius, needs, tiers, exclude_km=radius / 3)  # fmt: skip
        assert sorted(r.key for r in rings) == sorted(r.key for r in found)  # each row once


REQUESTS = st.fixed_dictionaries(
    {
        "needs": st.lists(
            st.sampled_from(["medical", "psychosocial", "legal", "shelter", "material"]),
            min_size=1,
            max_size=3,
            unique=True,
        ).map(tuple),
        "hours_since_incident": st.sampled_from([None, 10.0, 300.0]),
        "age": st.sampled_from([None, 9, 24]),
        "max_distance_km": st.sampled_from([5.0, 30.0, 100.0]),
        "limit": st.integers(1, 5),
        "at": st.integers(0, 7 * 24 - 1).map(lambda h: AT + timedelta(hours=h)),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(seed=st.integers(0, 10**6), options=REQUESTS, audience=st.sampled_from(["public", "staff"]))
@pytest.mark.slow
def test_a_match_through_the_index_answers_as_the_full_search(directory, seed, options, audience):
    index = _built(directory)
    point = engine.point_from(*GENERATOR.point(random.Random(seed)))
    answer = engine.run_match(directory, point, options, audience, index=index)
    assert answer == _full(directory, point, options, audience)


def _goma(store):
    org = store.create("organization", f.organization(name="Alpha"), ACTOR)
    loc = store.create("location", f.location(org["id"]), ACTOR)
    svc = store.create("service", f.service(org["id"], [loc["id"]], name="Clinique"), ACTOR)
    return org, loc, svc


def _names(store, index, needs=("medical",)):
    point = engine.point_from(-1.68, 29.22)
    answer = engine.run_match(store, point, {"needs": needs, "at": AT}, "public", index=index)
    return [r["service"]["name"] for n in answer["needs"] for r in n["results"]]


def test_a_write_by_another_worker_is_seen_at_the_next_match(config, store):
    """Two stores on one database stand for two workers: one writes, the other matches."""
    other = open_store(config)
    try:
        org, loc, svc = _goma(store)
        index = _built(other)
        assert _names(other, index) == ["Clinique"]
        svc = store.update("service", svc["id"], {**svc, "name": "Clinique B"}, 1, ACTOR)
        assert _names(other, index) == ["Clinique B"]
        second = store.create("service", f.service(org["id"], [loc["id"]], name="Nouvelle"), ACTOR)
        assert sorted(_names(other, index)) == ["Clinique B", "Nouvelle"]
        store.update("service", second["id"], {**second, "status": "inactive"}, 1, ACTOR)
        assert _names(other, index) == ["Clinique B"]
        far = {**loc, "latitude": -4.3, "longitude": 15.3, "adm1_pcode": "CD10"}
        store.update("location", loc["id"], far, 1, ACTOR)  # moved to Kinshasa
        assert _names(other, index) == []
        store.update("location", loc["id"], {**loc, "name": "Retour"}, 2, ACTOR)
        store.update("organization", org["id"], {**org, "status": "inactive"}, 1, ACTOR)
        assert _names(other, index) == []
        store.update("organization", org["id"], {**org, "status": "active"}, 2, ACTOR)
        assert _names(other, index) == ["Clinique B"]
        copy = f.organization(name="Importée")
        store.import_all([("organization", {**copy, "version": 1, "created_at": "x",
                                            "updated_at": "x"})])  # fmt: skip
        assert _names(other, index) == ["Clinique B"]
        assert len(index) == 1
    finally:
        other.close()


def test_a_service_gone_between_the_index_and_its_documents_is_asked_again(store):
    org, loc, svc = _goma(store)
    index = _built(store)
    point = engine.point_from(-1.68, 29.22)
    request = engine.matching.MatchRequest(lat=point.lat, lon=point.lon, needs=("medical",),
                                           at=AT, area_pcodes=point.area_pcodes)  # fmt: skip
    search = engine._Search(store, index, point, request, frozenset({"public"}))
    rows, result = search.widening()
    store.update("service", svc["id"], {**svc, "status": "inactive"}, 1, ACTOR)
    mark, shown = engine._with_documents(store, rows, result)
    assert shown is None and mark != index.mark  # so run_match searches again
    assert _names(store, index) == []


def test_an_edit_committed_between_the_search_and_its_documents_is_in_the_answer(store):
    """The index searched as of its mark; the results' documents come with a newer mark, so the
    index catches up and the match runs again on the edited row."""
    org, loc, svc = _goma(store)
    index = _built(store)
    counting = _CountingStore(store)
    edits = iter([{**svc, "name": "Clinique B", "needs": ["legal"]}])

    def edit_first(service_ids):  # type: ignore[no-untyped-def]
        for doc in edits:  # the first read only: another worker commits an edit just before
            store.update("service", svc["id"], doc, 1, ACTOR)
        return store.marked_candidates(service_ids)

    counting.marked_candidates = edit_first  # type: ignore[method-assign]
    assert _names(counting, index) == []  # no longer medical: not the stale "Clinique"
    assert _names(counting, index, needs=("legal",)) == ["Clinique B"]


def test_the_api_answers_the_same_with_and_without_the_index(backend, tmp_path, request):
    from directory import create_app
    from tests.conftest import store_config

    answers = []
    for minimum in (0, 10**9):
        config = {"TESTING": True, "MATCH_INDEX_MIN_SERVICES": minimum,
                  **store_config(backend, tmp_path / str(minimum), request)}  # fmt: skip
        app = create_app(config)
        try:
            runner = app.test_cli_runner()
            assert runner.invoke(args=["init-db"]).exit_code == 0
            assert runner.invoke(args=["seed", "--only", "demo"]).exit_code == 0
            from directory.core.rights import issue_token
            from directory.store import get_store

            with app.app_context():
                secret = issue_token(get_store(), "caseworker", "test")
            body = {"needs": ["medical", "psychosocial", "legal", "shelter"],
                    "location": {"lat": -1.67, "lon": 29.22}, "hours_since_incident": 20,
                    "at": "2026-11-29T03:00:00+00:00"}  # fmt: skip
            client = app.test_client()
            public = client.post("/api/v1/match", json=body)
            staff = client.post("/api/v1/match", json=body, headers=bearer(secret))
            assert public.status_code == staff.status_code == 200
            answers.append((public.get_json(), staff.get_json()))
        finally:
            app.extensions["njia_store"].close()
    assert answers[0] == answers[1]
    assert answers[0][0]["needs"][0]["results"]  # the demo directory answers in Goma


@pytest.mark.slow
def test_two_gunicorn_workers_see_an_edit_at_their_next_match(backend, tmp_path, request):
    """Each worker keeps its own index; an edit through one is in the other's next match."""
    from directory.core.rights import issue_token
    from tests.conftest import store_config
    from tests.servers import Browser, gunicorn

    config = store_config(backend, tmp_path, request)
    store = open_store(config)
    store.init_schema()
    org, loc, svc = _goma(store)
    secret = issue_token(store, "admin", "test")
    store.close()
    env = {f"NJIA_{key}": str(value) for key, value in config.items()}
    env |= {"NJIA_MATCH_INDEX_MIN_SERVICES": "0", "NJIA_SECRET_KEY": "shared by the workers"}
    body = {"needs": ["medical"], "location": {"lat": -1.68, "lon": 29.22}}

    def names(browser):  # type: ignore[no-untyped-def]
        answer = browser.request("POST", "/api/v1/match", json_body=body)
        assert answer.status == 200, answer.text
        return [r["service"]["name"] for r in answer.json()["needs"][0]["results"]]

    with gunicorn(env, workers=2) as base:
        browsers = [Browser(base) for _ in range(12)]  # each request on a new connection
        assert {tuple(names(b)) for b in browsers} == {("Clinique",)}
        edit = Browser(base).request(
            "PATCH", f"/api/v1/services/{svc['id']}", json_body={"name": "Clinique du lac"},
            headers={**bearer(secret), "If-Match": '"1"'},
        )  # fmt: skip
        assert edit.status == 200, edit.text
        assert {tuple(names(b)) for b in browsers} == {("Clinique du lac",)}


class _CountingStore:
    """A store that counts the calls of each of its methods (the reads a match makes)."""

    def __init__(self, store) -> None:  # type: ignore[no-untyped-def]
        self.store, self.calls = store, []

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        found = getattr(self.store, name)
        if not callable(found):
            return found

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.calls.append(name)
            return found(*args, **kwargs)

        return counted


def test_a_match_through_the_index_reads_the_store_once(config, store):
    """Between two changes a match reads only the results it shows, with the change mark:
    one statement (one round trip on Neo4j); after a change, the feed too."""
    org, loc, svc = _goma(store)
    counting = _CountingStore(store)
    index = _built(store)
    index.store = counting  # type: ignore[assignment]
    assert _names(counting, index) == ["Clinique"]  # the first asks for the hotlines by area
    counting.calls.clear()
    assert _names(counting, index) == ["Clinique"]
    assert counting.calls == ["marked_candidates"]
    counting.calls.clear()
    store.update("service", svc["id"], {**svc, "name": "Clinique B"}, 1, ACTOR)
    assert _names(counting, index) == ["Clinique B"]
    assert counting.calls[0] == "marked_candidates" and "changes_since" in counting.calls


def test_a_hotline_edited_by_another_worker_is_seen_at_the_next_match(config, store):
    """Services matched by area (hotlines, shelters) are asked of the store once per change."""
    other = open_store(config)
    try:
        org = store.create("organization", f.organization(name="Ligne"), ACTOR)
        line = store.create("service", f.service(org["id"], [], name="Ligne verte", remote=True,
                            needs=["safety"], service_area=["CD61"]), ACTOR)  # fmt: skip
        _goma(store)
        index = _built(other)
        point = engine.point_from(-1.68, 29.22)

        def hotlines():  # type: ignore[no-untyped-def]
            answer = engine.run_match(other, point, {"needs": ("medical",), "at": AT}, "public",
                                      index=index)  # fmt: skip
            return [r["service"]["name"] for r in answer["hotlines"]]

        assert hotlines() == ["Ligne verte"] == hotlines()
        store.update("service", line["id"], {**line, "name": "Ligne 122"}, 1, ACTOR)
        assert hotlines() == ["Ligne 122"]
    finally:
        other.close()


@pytest.mark.parametrize(
    "minimum, before, after", [(10**9, "store", "store"), (0, "store", "ready")]
)
def test_readyz_says_how_this_worker_matches(backend, tmp_path, request, minimum, before, after):
    from directory import create_app
    from tests.conftest import store_config

    config = {"TESTING": True, "MATCH_INDEX_MIN_SERVICES": minimum,
              **store_config(backend, tmp_path, request)}  # fmt: skip
    app = create_app(config)
    try:
        assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
        client = app.test_client()
        assert client.get("/readyz").get_json() == {"status": "ok", "match_index": before}
        body = {"needs": ["medical"], "location": {"lat": -1.67, "lon": 29.22}}
        assert client.post("/api/v1/match", json=body).status_code == 200
        assert client.get("/readyz").get_json() == {"status": "ok", "match_index": after}
    finally:
        app.extensions["njia_store"].close()


def test_a_directory_matched_by_the_store_never_loads_scipy(tmp_path):
    """scipy's k-d tree (about 40 MB a worker) is loaded by the first index build only
    (numpy may be: openpyxl loads it when it is installed)."""
    import subprocess
    import sys

    script = f"""
import sys
from directory import create_app
app = create_app({{"DATABASE": {str(tmp_path / "n.sqlite3")!r}, "TESTING": True}})
app.test_cli_runner().invoke(args=["init-db"])
body = {{"needs": ["medical"], "location": {{"lat": -1.67, "lon": 29.22}}}}
assert app.test_client().post("/api/v1/match", json=body).status_code == 200
print("scipy" in sys.modules)
"""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=root)  # fmt: skip
    assert done.stdout.split() == ["False"]


def test_a_large_directory_is_indexed_in_the_background_while_the_store_answers(store, monkeypatch):
    import time

    from directory.search import index as index_module

    _goma(store)
    monkeypatch.setattr(index_module, "SYNC_BUILD_MAX", 0)  # every directory counts as large
    index = MatchIndex(store, min_services=0)
    assert index.ready() is False and index.state in ("building", "ready")
    assert _names(store, index) == ["Clinique"]  # answered by the store meanwhile
    deadline = time.monotonic() + 30
    while index.state != "ready" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert index.ready() is True
    assert _names(store, index) == ["Clinique"]


@pytest.mark.parametrize("compact", [False, True])
def test_after_any_run_of_writes_the_index_holds_what_the_store_holds(store, monkeypatch, compact):
    """Random creations, edits, moves, deactivations and reactivations by another worker;
    after each, the index's rows are the store's (compacting after every change, or not)."""
    from directory.search import index as index_module

    if compact:
        monkeypatch.setattr(index_module, "COMPACT_MIN", 0)
        monkeypatch.setattr(index_module, "REBUILD_SHARE", 0.0)
    rng = random.Random(7)
    orgs = [store.create("organization", f.organization(name=f"O{i}"), ACTOR) for i in range(3)]
    places = {o["id"]: [] for o in orgs}
    services = []
    index = _built(store)

    def random_point():  # type: ignore[no-untyped-def]
        return {"latitude": -1.68 + rng.uniform(-0.3, 0.3),
                "longitude": 29.22 + rng.uniform(-0.3, 0.3)}  # fmt: skip

    for step in range(40):
        org = rng.choice(orgs)
        action = rng.choice(["place", "service", "edit", "move", "status", "org"])
        if action == "place" or not places[org["id"]]:
            loc = f.location(org["id"], name=f"L{step}", **random_point(),
                             confidentiality=rng.choice(["public", "restricted"]))  # fmt: skip
            places[org["id"]].append(store.create("location", loc, ACTOR))
        elif action == "service" or not services:
            where = rng.sample(places[org["id"]], k=min(2, len(places[org["id"]])))
            needs = rng.sample(["medical", "psychosocial", "legal"], k=rng.randint(1, 2))
            doc = f.service(org["id"], [p["id"] for p in where], name=f"S{step}", needs=needs)
            services.append(store.create("service", doc, ACTOR))
        elif action == "edit":
            svc = rng.choice(services)
            svc = store.get("service", svc["id"])
            store.update("service", svc["id"], {**svc, "needs": ["legal"]}, svc["version"], ACTOR)
        elif action == "move":
            org_places = [p for ps in places.values() for p in ps]
            loc = store.get("location", rng.choice(org_places)["id"])
            store.update("location", loc["id"], {**loc, **random_point()}, loc["version"], ACTOR)
        elif action == "status":
            svc = store.get("service", rng.choice(services)["id"])
            status = "inactive" if svc["status"] == "active" else "active"
            store.update("service", svc["id"], {**svc, "status": status}, svc["version"], ACTOR)
        else:
            current = store.get("organization", org["id"])
            status = "inactive" if current["status"] == "active" else "active"
            store.update("organization", org["id"], {**current, "status": status},
                         current["version"], ACTOR)  # fmt: skip
        assert index.ready() and index.refresh()
        assert len(index) == len(list(store.located_candidates()))
        tiers = frozenset({"public", "restricted"})
        for radius in (5.0, 50.0):
            near = {r.key for r in index.candidates_near(-1.68, 29.22, radius, ["medical",
                    "psychosocial", "legal"], tiers)}  # fmt: skip
            stored = store.candidates_near(-1.68, 29.22, radius, ["medical", "psychosocial",
                                           "legal"], tiers)  # fmt: skip
            within = {r.key for r in stored if distance_km(-1.68, 29.22, r.location["latitude"],
                      r.location["longitude"]) <= radius}  # fmt: skip
            wider = store.candidates_near(-1.68, 29.22, radius * 1.02, ["medical",
                                          "psychosocial", "legal"], tiers)  # fmt: skip
            assert within <= near <= {r.key for r in wider}, (step, action)


def test_a_built_index_is_left_out_of_garbage_collections(directory, monkeypatch):
    """Its hundreds of thousands of objects would make every full collection pause every
    request for a fraction of a second (about 0.4 s at 100k): they are frozen once built."""
    import gc

    from directory.search import index as index_module

    monkeypatch.setattr(index_module, "FREEZE_MIN_ROWS", 100)  # the directory has 600 rows
    gc.unfreeze()
    before = gc.get_freeze_count()
    index = _built(directory)
    assert gc.get_freeze_count() >= before + len(index)
    gc.unfreeze()
