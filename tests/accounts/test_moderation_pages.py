"""The moderation page as a coordinator reads it: who proposed (a name, not an id), when (local
time), what (in words, lists as added and removed), one reason for either decision; stale
listings filtered by kind, area, need and source and verified from the listing's own page."""

from __future__ import annotations

import re

from directory.core import workflow
from tests import factories as f
from tests.accounts.helpers import make_user
from tests.accounts.test_pages import _csrf, _shared_store_setup, _sign_in_page


def _propose_needs(client, app_store, tokens):  # type: ignore[no-untyped-def]
    org, loc, svc, provider = _shared_store_setup(client, tokens, app_store)
    provider_client = client.application.test_client()
    _sign_in_page(provider_client, "p@example.org")
    from directory.core.rights import issue_token

    token = issue_token(app_store, "provider", "p", org["id"])
    client.patch(f"/api/v1/services/{svc['id']}", json={"needs": ["medical", "psychosocial"]},
                 headers={"Authorization": f"Bearer {token}", "If-Match": '"1"'})  # fmt: skip
    make_user(app_store, "coordinator", email="coord@example.org")
    staff = client.application.test_client()
    _sign_in_page(staff, "coord@example.org")
    return staff, org, loc, svc


def test_a_pending_change_reads_in_words(client, tokens, app_store):
    staff, org, loc, svc = _propose_needs(client, app_store, tokens)
    html = staff.get("/review").get_data(as_text=True)
    section = html.split("Modifications en attente")[1].split("Fiches à vérifier</h2>")[0]
    assert "Besoins" in section and "+ Soutien psychosocial" in section
    assert "Soins médicaux" in section  # before, in words
    assert "['medical']" not in section and "user:" not in section and "token:" not in section
    assert "un script (jeton d" in section  # proposed through a token
    assert re.search(r"\d{2}:\d{2} \(heure de Lubumbashi\)", section)  # Goma's time zone
    assert section.count('name="reason"') == 1 and "Motif" in section
    assert section.count("Motif") == 1


def test_one_reason_serves_both_decisions(client, tokens, app_store):
    staff, org, loc, svc = _propose_needs(client, app_store, tokens)
    html = staff.get("/review").get_data(as_text=True)
    reject = re.search(r'formaction="(/review/changes/[0-9a-f-]+/reject)', html).group(1)
    done = staff.post(reject, data={"csrf_token": _csrf(html), "reason": "Pas de psychologue"})
    assert done.status_code == 302
    (decided,) = workflow.pending(app_store, status="rejected")
    assert decided.doc["reason"] == "Pas de psychologue"
    assert app_store.get("service", svc["id"])["needs"] == ["medical"]


def test_a_session_proposal_is_signed_with_the_persons_name(client, tokens, app_store):
    org, loc, svc, provider = _shared_store_setup(client, tokens, app_store)
    workflow.queue_change(app_store, "service", svc["id"], 1, {"needs": ["medical", "legal"]},
                          f"user:{provider.id}")  # fmt: skip
    make_user(app_store, "coordinator", email="coord@example.org")
    _sign_in_page(client, "coord@example.org")
    html = client.get("/review").get_data(as_text=True)
    assert "Proposée par Provider (Alpha)" in html and provider.id not in html


def test_stale_listings_are_filtered_and_verified_from_their_page(client, tokens, app_store):
    org, loc, svc, _ = _shared_store_setup(client, tokens, app_store)
    kin = app_store.create("organization", f.organization(name="Kin Org", source="osm"), "t")
    kin_loc = app_store.create("location", f.location(kin["id"], name="Kin Site", latitude=-4.32,
                               longitude=15.31, adm1_pcode="CD10"), "t")  # fmt: skip
    app_store.create("service", f.service(kin["id"], [kin_loc["id"]], name="Kin Écoute",
                                          needs=["psychosocial"]), "t")  # fmt: skip
    make_user(app_store, "coordinator", email="coord@example.org")
    _sign_in_page(client, "coord@example.org")

    def listed(query: str) -> list[str]:
        html = client.get("/review" + query).get_data(as_text=True)
        table = html.split("Fiches à vérifier</h2>")[1]
        return re.findall(r'/history">([^<]+)</a>', table)

    assert {"Alpha", "Site", "Soins", "Kin Org", "Kin Site", "Kin Écoute"} <= set(listed(""))
    assert set(listed("?area=CD10")) == {"Kin Org", "Kin Site", "Kin Écoute"}
    assert set(listed("?area=CD10&kind=service")) == {"Kin Écoute"}
    assert set(listed("?need=medical")) == {"Soins"}
    assert set(listed("?source=osm")) == {"Kin Org"}
    assert set(listed("?area=nowhere&need=flying")) >= {"Soins", "Kin Écoute"}  # unknown: any
    queue = client.get("/review").get_data(as_text=True)
    assert "/verify" not in queue  # never in one click from the list

    page = client.get(f"/review/service/{svc['id']}/history")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "La fiche aujourd'hui" in html and "Soins médicaux" in html
    verify = re.search(r'action="(/review/service/[0-9a-f-]+/verify)"', html).group(1)
    done = client.post(verify, data={"csrf_token": _csrf(html), "version": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/history")
    assert app_store.get("service", svc["id"])["last_verified_at"]
    assert "Soins" not in listed("")
