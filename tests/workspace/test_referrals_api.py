"""``/api/v1/referrals``: the consent gate, no survivor field, idempotency (sequential and
concurrent, on both stores), the closed loop by the receiving provider only, and the purge."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from directory import create_app
from directory.core import referrals
from tests.conftest import bearer
from tests.workspace.conftest import referral_body

ROOT = Path(__file__).resolve().parents[2]


def _post(client, secret, body, key=None):
    headers = bearer(secret, **({"Idempotency-Key": key} if key else {}))
    return client.post("/api/v1/referrals", json=body, headers=headers)


@pytest.fixture
def backend():
    """Most referral tests decide above the store; the storage ones choose both backends."""
    return "sqlite"


def test_recording_needs_the_consent_attestation(client, world, app_store):
    svc, caseworker = world["svc"]["id"], world["secrets"]["caseworker"]
    missing = _post(client, caseworker, {"need": "medical", "service_id": svc})
    assert missing.status_code == 422
    assert "consent" in missing.get_json()["error"]["fields"]
    refused = _post(
        client,
        caseworker,
        {**referral_body(svc), "consent": {"attested": False, "method": "verbal"}},
    )
    assert refused.status_code == 422
    assert "consent.attested" in refused.get_json()["error"]["fields"]
    no_method = _post(client, caseworker, {**referral_body(svc), "consent": {"attested": True}})
    assert "consent.method" in no_method.get_json()["error"]["fields"]
    assert app_store.find_records("referral") == []
    made = _post(client, caseworker, referral_body(svc))
    assert made.status_code == 201, made.get_json()
    doc = made.get_json()
    assert doc["consent"] == {"attested": True, "method": "verbal"}
    assert doc["status"] == "sent" and len(doc["code"]) == 8
    assert made.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "extra",
    [{"name": "Marie"}, {"phone": "+243970000000"}, {"notes": "story"}, {"survivor": {}},
     {"location": {"lat": -1.6, "lon": 29.2}}, {"age": 17}],
)  # fmt: skip
def test_no_field_about_the_survivor_is_accepted(client, world, app_store, extra):
    response = _post(
        client, world["secrets"]["caseworker"], referral_body(world["svc"]["id"], **extra)
    )
    assert response.status_code == 422
    assert set(extra) <= set(response.get_json()["error"]["fields"])
    assert app_store.find_records("referral") == []


def test_a_referral_stores_only_the_closed_loop_fields(client, world, app_store):
    _post(client, world["secrets"]["caseworker"], referral_body(world["svc"]["id"]), key="k1")
    (record,) = app_store.find_records("referral")
    assert set(record.doc) == {
        "id", "code", "need", "service_id", "organization_id", "referred_by",
        "referring_organization_id", "created_at", "status", "status_history", "consent",
    }  # fmt: skip
    assert record.key1 == world["org"]["id"] and record.key2 == record.doc["code"]


def test_wrong_need_or_unknown_service_is_refused(client, world):
    caseworker = world["secrets"]["caseworker"]
    wrong = _post(client, caseworker, referral_body(world["svc"]["id"], need="legal"))
    assert "need" in wrong.get_json()["error"]["fields"]
    missing = _post(client, caseworker, referral_body("00000000-0000-4000-8000-000000000000"))
    assert "service_id" in missing.get_json()["error"]["fields"]


@pytest.mark.parametrize("backend", ["sqlite", "neo4j"])
def test_retries_create_exactly_one_referral(client, world, app_store, backend):
    caseworker, body = world["secrets"]["caseworker"], referral_body(world["svc"]["id"])
    answers = [_post(client, caseworker, body, key="retry-1") for _ in range(100)]
    assert {a.status_code for a in answers} == {201}
    assert len({a.get_data() for a in answers}) == 1  # the same response every time
    assert all(a.headers.get("Idempotent-Replayed") == "true" for a in answers[1:])
    assert len(app_store.find_records("referral")) == 1

    results: list[bytes] = []

    config = {k: v for k, v in client.application.config.items() if k.isupper()}
    workers = [create_app(config) for _ in range(10)]  # made here: app creation is not threadsafe

    def retry(worker) -> None:  # type: ignore[no-untyped-def]
        """A client of its own worker (its own app and database connection, as gunicorn's
        workers are) that also retries a 503 (the database busy: on a loaded machine Neo4j's
        connection pool may time out), as ``Retry-After`` asks."""
        own = worker.test_client()
        for _attempt in range(5):
            response = _post(own, caseworker, body, key="concurrent-1")
            if response.status_code != 503:
                break
            time.sleep(0.2)
        assert response.status_code == 201, response.get_data()
        results.append(response.get_data())

    threads = [threading.Thread(target=retry, args=(w,), daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a retrying client hung"
    for worker in workers:
        worker.extensions["njia_store"].close()
    assert len(results) == 10 and len(set(results)) == 1
    assert len(app_store.find_records("referral")) == 2
    other = _post(client, caseworker, body, key="another")
    assert other.status_code == 201 and len(app_store.find_records("referral")) == 3


def test_a_key_is_tied_to_its_referral_and_its_caller(client, world, app_store):
    secrets, svc = world["secrets"], world["svc"]["id"]
    _post(client, secrets["caseworker"], referral_body(svc), key="same")
    reused = _post(client, secrets["caseworker"], referral_body(svc, need="medical") | {
        "consent": {"attested": True, "method": "written"}}, key="same")  # fmt: skip
    assert reused.status_code == 201  # consent method aside, the same referral: replayed
    other_caller = _post(client, secrets["coordinator"], referral_body(svc), key="same")
    assert other_caller.status_code == 201
    assert len(app_store.find_records("referral")) == 2
    too_long = _post(client, secrets["caseworker"], referral_body(svc), key="x" * 201)
    assert "Idempotency-Key" in too_long.get_json()["error"]["fields"]


def test_only_the_receiving_provider_updates_the_status(client, world):
    secrets = world["secrets"]
    code = _post(client, secrets["caseworker"], referral_body(world["svc"]["id"])).get_json()[
        "code"
    ]
    url = f"/api/v1/referrals/{code}"
    for who in ("caseworker", "coordinator", "admin", "other_provider"):
        response = client.patch(url, json={"status": "received"}, headers=bearer(secrets[who]))
        assert response.status_code == 404, who
    assert client.patch(url, json={"status": "received"}).status_code == 401
    received = client.patch(url, json={"status": "received"}, headers=bearer(secrets["provider"]))
    assert received.status_code == 200 and received.get_json()["status"] == "received"
    lower = client.patch(
        f"/api/v1/referrals/{code.lower()}", json={"status": "service_given"},
        headers=bearer(secrets["provider"]),
    )  # fmt: skip
    doc = lower.get_json()
    assert doc["status"] == "service_given"
    assert [h["status"] for h in doc["status_history"]] == ["sent", "received", "service_given"]
    back = client.patch(url, json={"status": "declined"}, headers=bearer(secrets["provider"]))
    assert back.status_code == 422 and "status" in back.get_json()["error"]["fields"]
    sent = client.patch(url, json={"status": "sent"}, headers=bearer(secrets["provider"]))
    assert sent.status_code == 422
    extra = client.patch(url, json={"status": "declined", "notes": "x"},
                         headers=bearer(secrets["provider"]))  # fmt: skip
    assert extra.status_code == 422 and "notes" in extra.get_json()["error"]["fields"]


def test_who_sees_which_referrals(client, world, tokens):
    secrets, svc = world["secrets"], world["svc"]["id"]
    mine = _post(client, secrets["caseworker"], referral_body(svc)).get_json()
    _post(client, secrets["coordinator"], referral_body(svc))

    def codes(who):
        response = client.get("/api/v1/referrals", headers=bearer(secrets[who]))
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        return {r["code"] for r in response.get_json()["items"]}

    assert codes("caseworker") == {mine["code"]}
    assert len(codes("coordinator")) == len(codes("admin")) == len(codes("provider")) == 2
    assert codes("other_provider") == set()
    assert client.get("/api/v1/referrals").status_code == 401
    sent = client.get("/api/v1/referrals?status=received", headers=bearer(secrets["admin"]))
    assert sent.get_json()["items"] == []
    other = _post(client, secrets["other_provider"], referral_body(svc))
    assert other.status_code == 403  # providers receive referrals; they do not make them


def test_closed_referrals_are_purged_after_the_retention_period(
    client, world, app, app_store, monkeypatch
):
    app.config["REFERRAL_RETENTION_DAYS"] = 2
    secrets, svc = world["secrets"], world["svc"]["id"]
    codes = [_post(client, secrets["caseworker"], referral_body(svc)).get_json()["code"]
             for _ in range(3)]  # fmt: skip
    provider = bearer(secrets["provider"])
    client.patch(f"/api/v1/referrals/{codes[0]}", json={"status": "service_given"},
                 headers=provider)  # fmt: skip
    client.patch(f"/api/v1/referrals/{codes[1]}", json={"status": "declined"}, headers=provider)
    start = referrals.now()
    monkeypatch.setattr(referrals, "now", lambda: start + timedelta(days=1))
    assert len(client.get("/api/v1/referrals", headers=provider).get_json()["items"]) == 3
    monkeypatch.setattr(referrals, "now", lambda: start + timedelta(days=3))
    items = client.get("/api/v1/referrals", headers=provider).get_json()["items"]
    assert [r["code"] for r in items] == [codes[2]]  # the open one stays, however old
    assert len(app_store.find_records("referral")) == 1


def test_purge_command_uses_the_retention_setting(client, world, app, app_store, monkeypatch):
    secrets, svc = world["secrets"], world["svc"]["id"]
    code = _post(client, secrets["caseworker"], referral_body(svc)).get_json()["code"]
    client.patch(f"/api/v1/referrals/{code}", json={"status": "declined"},
                 headers=bearer(secrets["provider"]))  # fmt: skip
    runner = app.test_cli_runner()
    kept = runner.invoke(args=["purge-referrals"])
    assert kept.exit_code == 0 and "Deleted 0 referrals closed more than 90 days" in kept.output
    start = referrals.now()
    monkeypatch.setattr(referrals, "now", lambda: start + timedelta(days=91))
    purged = runner.invoke(args=["purge-referrals"])
    assert "Deleted 1 referrals" in purged.output
    assert app_store.find_records("referral") == []
    assert runner.invoke(args=["purge-referrals", "--help"]).exit_code == 0


def test_purge_command_is_documented():
    assert "flask --app wsgi purge-referrals" in (ROOT / "README.md").read_text()
    assert "purge-referrals" in (ROOT / "docs" / "caseworker-workspace.md").read_text()
