"""No survivor field anywhere in the database after a run.

Searches and referrals are made through every door (public page, workspace pages, match and
referral APIs) with unique marker strings planted in every field that could carry something
about a survivor: place text, point coordinates with unique decimals, idempotency keys, and
name, phone and notes fields (which must be refused). Then the SQLite file with its WAL, or
a full Neo4j dump and the Neo4j server's files, are searched for the markers: none is found.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from tests.accounts.helpers import PASSWORD, make_user
from tests.conftest import bearer

LAT, LON = "-1.67891234", "29.22345678"
"""A point with decimals found nowhere else; only its first two decimals may be kept."""


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _markers() -> dict[str, str]:
    return {name: f"NJMARK{name}{uuid.uuid4().hex[:10]}" for name in
            ("place", "name", "notes", "phone", "key", "formkey", "story", "suggest")}  # fmt: skip


def _run_everything(client, app_store, tokens, marks: dict[str, str]) -> None:
    app = client.application
    assert app.test_cli_runner().invoke(args=["seed", "--only", "demo"]).exit_code == 0
    # the public page: a typed place, a device point, a suggestion query
    client.post("/", data={"place": f"Goma {marks['place']}", "needs": ["medical"]})
    client.post("/", data={"place": "", "lat": LAT, "lon": LON, "needs": ["medical"]})
    client.post("/suggest", data={"q": marks["suggest"]})
    # the workspace, signed in through the page
    make_user(app_store, "caseworker", email="marker@example.org")
    form = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "marker@example.org", "password": PASSWORD,
                                "csrf_token": _csrf(form)})  # fmt: skip
    csrf = _csrf(client.get("/workspace").get_data(as_text=True))
    base = {"csrf_token": csrf, "needs": ["medical", "legal"], "hours": "10"}
    for extra in ({"name": marks["name"]}, {"notes": marks["notes"]},
                  {"phone": marks["phone"]}):  # fmt: skip
        refused = client.post("/workspace", data={**base, "place": "Goma", **extra})
        assert refused.status_code == 422
    client.post("/workspace", data={**base, "place": f"{marks['place']} Goma"})
    client.post("/workspace", data={**base, "place": f"{LAT}, {LON}"})
    answer = client.post("/workspace", data={**base, "place": "", "lat": LAT, "lon": LON})
    assert answer.status_code == 200
    found = re.findall(r'name="pick" value="([^"]+)"', answer.get_data(as_text=True))
    picks = list(dict.fromkeys(found))[:2]
    record = {"csrf_token": csrf, "pick": picks, "idempotency_key": marks["formkey"],
              "consent_method": "verbal", "consent": picks}  # fmt: skip
    refused = client.post("/workspace/refer/record", data={**record, "notes": marks["story"]})
    assert refused.status_code == 422
    assert client.post("/workspace/refer/record", data=record).status_code == 200
    # the APIs
    point, signed = {"lat": float(LAT), "lon": float(LON)}, {"X-CSRFToken": csrf}
    match = {"location": point, "needs": ["medical"], "hours_since_incident": 5}
    for extra in ({"name": marks["name"]}, {"notes": marks["notes"]}):
        refused = client.post("/api/v1/match", json={**match, **extra}, headers=signed)
        assert refused.status_code == 422
    assert client.post("/api/v1/match", json=match, headers=signed).status_code == 200
    service = next(d for k, d in app_store.export() if k == "service" and "medical" in d["needs"])
    body = {"need": "medical", "service_id": service["id"],
            "consent": {"attested": True, "method": "guardian"}}  # fmt: skip
    caseworker = bearer(tokens["caseworker"], **{"Idempotency-Key": marks["key"]})
    for field in ("name", "phone", "notes", "story"):
        refused = client.post("/api/v1/referrals", json={**body, field: marks[field]},
                              headers=caseworker)  # fmt: skip
        assert refused.status_code == 422
    assert client.post("/api/v1/referrals", json=body, headers=caseworker).status_code == 201
    assert client.post("/api/v1/referrals", json=body, headers=caseworker).status_code == 201
    assert len(app_store.find_records("referral")) == 3
    client.post("/logout", data={"csrf_token": csrf})


def _found(blob: bytes, marks: dict[str, str]) -> list[str]:
    needles = [*marks.values(), LAT[3:], LON[3:]]
    return [n for n in needles if n.encode() in blob or n.encode("utf-16-le") in blob]


@pytest.fixture
def config(config):
    return {**config, "SESSION_COOKIE_SECURE": False, "SECRET_KEY": "test-secret"}


@pytest.mark.parametrize("backend", ["sqlite"])
def test_no_marker_reaches_the_sqlite_file(client, app_store, tokens, config, backend):
    marks = _markers()
    _run_everything(client, app_store, tokens, marks)
    database = Path(config["DATABASE"])
    files = [p for p in database.parent.iterdir() if p.name.startswith(database.name)]
    assert database in files
    blob = b"".join(p.read_bytes() for p in files)  # the database, its WAL and shared memory
    assert b"referral" in blob and b"marker@example.org" in blob  # the scan sees records
    assert _found(blob, marks) == []


@pytest.mark.parametrize("backend", ["neo4j"])
def test_no_marker_reaches_neo4j(client, app_store, tokens, request, backend):
    marks = _markers()
    _run_everything(client, app_store, tokens, marks)
    driver = app_store._get_driver()  # type: ignore[attr-defined]
    with driver.session(database=app_store.database) as session:  # type: ignore[attr-defined]
        nodes = session.run("MATCH (n) RETURN labels(n) AS l, properties(n) AS p").data()
        links = session.run("MATCH ()-[r]->() RETURN type(r) AS t, properties(r) AS p").data()
    dump = json.dumps([nodes, links], ensure_ascii=False, default=str).encode()
    assert b'"referral"' in dump and b"marker@example.org" in dump
    assert _found(dump, marks) == []
    home = Path(request.getfixturevalue("neo4j_server").home)
    stored = [p for p in home.rglob("*") if p.is_file() and p.stat().st_size < 512 * 2**20]
    blob = b"".join(p.read_bytes() for p in stored)  # store files and transaction logs
    assert b"marker@example.org" in blob  # committed: in the transaction log at least
    assert _found(blob, marks) == []
