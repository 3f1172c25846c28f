"""Canaries: unique marker strings planted in passwords, tokens, match requests and a
confidential address are found nowhere they should not be — not in the logs, not in the
database files, not in a backup (only the confidential address, where it belongs)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from directory.core.rights import issue_token
from directory.web.logs import AllowListFormatter
from tests.accounts.helpers import make_user
from tests.api.helpers import create

PASSWORD = "Canary pw Mango 7Q2x lake"
LAT, LON = "-1.67123987", "29.22345678"
PLACE = "Kanarivillage-XQ7"
LANDMARK = "Derriere-Canari-Maison-QZ9"


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture
def log_text():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(AllowListFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


def _files(app, extra=()):
    base = Path(app.config["DATABASE"])
    paths = [base, base.with_name(base.name + "-wal"), *extra]
    return b"".join(p.read_bytes() for p in paths if p.exists())


@pytest.mark.slow
def test_markers_never_reach_logs_database_or_backups(
    app, client, tokens, app_store, log_text, tmp_path
):
    user = make_user(app_store, "caseworker", email="canary@example.org")
    user_doc = app_store.get_record("user", user.id).doc
    client.post("/api/v1/auth/login", json={"email": "canary@example.org", "password": PASSWORD})
    users_client = app.test_client()
    users_client.post(
        "/api/v1/auth/login",
        json={"email": "canary@example.org", "password": user_doc["name"] + PASSWORD},
    )
    secret = issue_token(app_store, "caseworker", "canary")
    org = create(client, tokens["admin"], "organization", {"name": "Abri"})
    create(
        client,
        tokens["admin"],
        "location",
        {
            "name": "Abri",
            "organization_id": org["id"],
            "latitude": -1.66,
            "longitude": 29.2,
            "adm1_pcode": "CD61",
            "confidentiality": "confidential",
            "description": LANDMARK,
        },
    )
    public_bodies = []
    for i in range(1000):
        body = {"location": {"lat": float(LAT), "lon": float(LON)}, "needs": ["medical"]}
        headers = {"Authorization": f"Bearer {secret}"} if i % 2 else {}
        response = app.test_client().post("/api/v1/match", json=body, headers=headers)
        assert response.status_code == 200
        if i < 4:
            public_bodies.append(response.get_data(as_text=True))
    page = app.test_client().post("/", data={"place": PLACE, "needs": "medical"})
    public_bodies.append(page.get_data(as_text=True))
    refused = app.test_client().post("/api/v1/match", json={**body, "name": PLACE})
    assert refused.status_code == 422
    backup = tmp_path / "backup.sqlite3"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0

    logs = log_text.getvalue()
    assert "match" in logs  # the log really was captured
    stored = _files(app)
    backed_up = backup.read_bytes()
    for marker in (PASSWORD, "Mango 7Q2x", secret, LAT[1:], LON, PLACE):
        assert marker not in logs, marker
        assert marker.encode() not in stored, marker
        assert marker.encode() not in backed_up, marker
    assert LANDMARK not in logs
    assert all(LANDMARK not in body for body in public_bodies)
    assert LANDMARK.encode() in stored  # where it is meant to be
