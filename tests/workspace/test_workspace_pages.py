"""The workspace pages: who may open them, the staff search (urgent first, restricted
addresses, map, plain words), consent before recording, the slip and its PDF, no-store, and
signing out clearing the browser."""

from __future__ import annotations

import re
import zlib
from datetime import datetime

import pytest

from directory.core import users
from directory.pages import search
from tests.accounts.helpers import PASSWORD, make_user

GOMA_HOSPITAL = "Prise en charge médicale du viol (démo)"
HAKI_CLINIC = "Assistance juridique et judiciaire (démo)"
RESTRICTED_LANDMARK_PLACE = "Clinique Haki – Himbi (démo)"
AT = datetime.fromisoformat("2026-11-30T10:00:00+01:00")


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture
def demo(app, app_store, monkeypatch):
    monkeypatch.setattr(search, "now", lambda: AT)
    result = app.test_cli_runner().invoke(args=["seed", "--only", "demo"])
    assert result.exit_code == 0, result.output
    return app_store


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def signed_in(client, store, role, organization_id=None):
    """Sign in through the /login page; returns the CSRF token of the session."""
    email = f"{role}@example.org"
    if users.user_by_email(store, email) is None:
        make_user(store, role, organization_id, email=email)
    form = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": _csrf(form)})  # fmt: skip
    assert response.status_code == 302
    return _csrf(client.get("/workspace/referrals").get_data(as_text=True))


def search_goma(client, csrf, **fields):
    data = {"csrf_token": csrf, "place": "Goma", "needs": ["medical", "legal"], "hours": "10",
            "mode": "motorbike", "max_distance_km": "100", "age_group": "", "sex": "female",
            **fields}  # fmt: skip
    return client.post("/workspace", data=data)


def test_only_caseworkers_and_staff_open_the_workspace(client, demo):
    assert client.get("/workspace").status_code == 401
    org = next(d for k, d in demo.export() if k == "organization")
    signed_in(client, demo, "provider", org["id"])
    assert client.get("/workspace").status_code == 403
    assert client.get("/workspace/referrals").status_code == 200  # the closed loop
    for role in ("caseworker", "coordinator", "admin"):
        other = client.application.test_client()
        signed_in(other, demo, role)
        page = other.get("/workspace")
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        assert 'href="/workspace"' in page.get_data(as_text=True)  # in the staff navigation


def test_staff_search_puts_the_urgent_option_first_with_restricted_addresses(client, demo):
    csrf = signed_in(client, demo, "caseworker")
    page = search_goma(client, csrf)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    urgent = html.index("Urgent : d'abord ici")
    assert urgent < html.index(GOMA_HOSPITAL) < html.index("Parcours proposé")
    assert html.index("Soins médicaux") < html.index("Aide juridique")
    assert HAKI_CLINIC in html and RESTRICTED_LANDMARK_PLACE not in html  # name of the place
    assert "Adresse réservée aux intervenants" in html  # restricted: shown to caseworkers
    assert "PEP" in html or "prophylaxie" in html.lower()
    assert "<svg" in html and 'class="search-point"' in html and 'class="marker stop' in html
    assert "Accord d'orientation avec" in html or "Pour :" in html
    assert 'name="pick"' in html and 'action="/workspace/refer"' in html


def test_the_public_never_sees_restricted_addresses_the_caseworker_sees(client, demo):
    public = client.post("/", data={"place": "Goma", "needs": ["legal"]}).get_data(as_text=True)
    assert "Adresse réservée" not in public and "Près du rond-point" not in public
    csrf = signed_in(client, demo, "caseworker")
    staff = search_goma(client, csrf, needs=["legal"]).get_data(as_text=True)
    location = next(
        d for k, d in demo.export()
        if k == "location" and d["confidentiality"] == "restricted" and d["adm1_pcode"] == "CD61"
    )  # fmt: skip
    assert location["description"] in staff
    assert location["description"] not in public


def test_bad_or_unknown_fields_are_refused_and_nothing_runs(client, demo):
    csrf = signed_in(client, demo, "caseworker")
    for extra in ({"name": "Marie"}, {"notes": "x"}, {"phone": "0970000000"}):
        refused = search_goma(client, csrf, **extra)
        assert refused.status_code == 422
        assert next(iter(extra)) in refused.get_data(as_text=True)
    assert search_goma(client, csrf, hours="douze").status_code == 422
    assert search_goma(client, csrf, age="200").status_code == 422
    assert search_goma(client, csrf, needs=[]).status_code == 422
    assert search_goma(client, csrf, place="Zzyzxqq").status_code == 422
    no_csrf = client.post("/workspace", data={"place": "Goma", "needs": ["medical"]})
    assert no_csrf.status_code == 400


def _refer(client, csrf, picks, consented=False, **fields):
    """Open the consent form for ``picks``; submit it (with every pick consented to if
    ``consented``, by an adult orally unless ``fields`` say otherwise)."""
    form = client.post("/workspace/refer", data={"csrf_token": csrf, "pick": picks})
    assert form.status_code == 200, form.get_data(as_text=True)[:400]
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.get_data(as_text=True))
    data = {"csrf_token": csrf, "pick": picks, "idempotency_key": key.group(1),
            "consent_method": "verbal", **({"consent": picks} if consented else {}),
            **fields}  # fmt: skip
    return client.post("/workspace/refer/record", data=data), data


def test_consent_first_then_one_record_per_service_and_the_slip(client, demo):
    csrf = signed_in(client, demo, "caseworker")
    html = search_goma(client, csrf).get_data(as_text=True)
    picks = list(dict.fromkeys(re.findall(r'name="pick" value="([^"]+)"', html)))[:2]
    assert [p.split("|")[0] for p in picks] == ["medical", "medical"] or len(picks) == 2
    refused, data = _refer(client, csrf, picks)
    assert refused.status_code == 422 and "consentement" in refused.get_data(as_text=True)
    assert demo.find_records("referral") == []
    slip = client.post("/workspace/refer/record", data={**data, "consent": picks})
    again = client.post("/workspace/refer/record", data={**data, "consent": picks})
    assert slip.status_code == again.status_code == 200
    records = demo.find_records("referral")
    assert len(records) == 2  # the double submit recorded nothing twice
    text = slip.get_data(as_text=True)
    for record in records:
        code = record.doc["code"]
        assert f"{code[:4]} {code[4:]}" in text
    assert "Fiche d'orientation" in text and "data-print" in text
    assert slip.headers["Cache-Control"] == "no-store"
    codes = [r.doc["code"] for r in records]
    pdf = client.post("/workspace/slip.pdf", data={"csrf_token": csrf, "code": codes})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store"
    assert "attachment" in pdf.headers["Content-Disposition"]
    content = pdf_text(pdf.data)
    assert all(code[:4] in content for code in codes)
    assert "Fiche d'orientation" in content


def pdf_text(data: bytes) -> str:
    """The text drawing operators of a PDF (its streams inflated), Latin-1 decoded. Each
    stream is read by its ``/Length``: its compressed bytes may hold anything, line ends
    included."""
    chunks = []
    for found in re.finditer(rb"/Length (\d+)\s*>>\s*stream\r?\n", data):
        stream = data[found.end() : found.end() + int(found.group(1))]
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            chunks.append(stream)
    return b"\n".join(chunks).decode("latin-1")


def test_the_slip_pdf_is_only_for_the_caseworker_who_referred(client, demo):
    csrf = signed_in(client, demo, "caseworker")
    html = search_goma(client, csrf).get_data(as_text=True)
    picks = re.findall(r'name="pick" value="([^"]+)"', html)[:1]
    _refer(client, csrf, picks, consented=True)
    (record,) = demo.find_records("referral")
    other = client.application.test_client()
    make_user(demo, "caseworker", email="second@example.org")
    form = other.get("/login").get_data(as_text=True)
    other.post("/login", data={"email": "second@example.org", "password": PASSWORD,
                               "csrf_token": _csrf(form)})  # fmt: skip
    other_csrf = _csrf(other.get("/workspace").get_data(as_text=True))
    refused = other.post("/workspace/slip.pdf",
                         data={"csrf_token": other_csrf, "code": [record.doc["code"]]})  # fmt: skip
    assert refused.status_code == 422


def test_the_receiving_provider_closes_the_loop_on_its_page(client, demo):
    csrf = signed_in(client, demo, "caseworker")
    html = search_goma(client, csrf).get_data(as_text=True)
    picks = re.findall(r'name="pick" value="([^"]+)"', html)[:1]
    _refer(client, csrf, picks, consented=True)
    (record,) = demo.find_records("referral")
    provider = client.application.test_client()
    provider_csrf = signed_in(provider, demo, "provider", record.doc["organization_id"])
    listing = provider.get("/workspace/referrals").get_data(as_text=True)
    assert record.doc["code"][:4] in listing and "Envoyée" in listing
    moved = provider.post("/workspace/referrals/status", data={
        "csrf_token": provider_csrf, "code": record.doc["code"], "status": "received"})  # fmt: skip
    assert moved.status_code == 303
    assert demo.get_record("referral", record.id).doc["status"] == "received"
    assert (
        client.post(
            "/workspace/referrals/status",
            data={"csrf_token": csrf, "code": record.doc["code"], "status": "declined"},
        ).status_code
        == 404
    )


def test_full_listing_shows_contacts_capacity_and_referral_partners(client, demo):
    csrf = signed_in(client, demo, "caseworker")
    del csrf
    service = next(d for k, d in demo.export() if k == "service" and d["name"] == GOMA_HOSPITAL)
    page = client.get(f"/workspace/services/{service['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    for text in ("Horaires", "Contacts", "Oriente habituellement vers", "tel:", "Langues"):
        assert text in html, text
    assert "Association Démo Tujenge (démo)" in html  # a referral agreement of the hospital
    assert client.get("/workspace/services/00000000-0000-4000-8000-000000000000").status_code == 404


def test_nothing_about_a_search_is_put_in_a_url(client, demo):
    csrf = signed_in(client, demo, "caseworker")
    html = search_goma(client, csrf, place="-1.6789, 29.2234").get_data(as_text=True)
    for url in re.findall(r'(?:href|action|src)="([^"]*)"', html):
        assert "29.2" not in url and "Goma" not in url and "-1.6" not in url, url
    assert "6789" not in html and "2234" not in html  # rounded before anything used it


def test_signing_out_clears_the_browser_and_the_session(client, demo):
    csrf = signed_in(client, demo, "caseworker")
    out = client.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 302
    assert out.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get("/workspace").status_code == 401
    assert demo.find_records("session") == []


def test_api_sign_out_clears_the_browser_too(client, demo):
    make_user(demo, "caseworker", email="api@example.org")
    login = client.post("/api/v1/auth/login", json={"email": "api@example.org",
                                                    "password": PASSWORD})  # fmt: skip
    out = client.post("/api/v1/auth/logout",
                      headers={"X-CSRFToken": login.get_json()["csrf_token"]})  # fmt: skip
    assert out.status_code == 204
    assert out.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'


def test_the_pages_say_what_a_rule_left_out(client, demo, app_store):
    """Issue 19, item 4: a male survivor's shelter search on the caseworker page names the
    women-only shelter left out and its distance; the public page says only how many and why."""
    from tests import factories as f

    org = f.organization(name="Refuge")
    app_store.create("organization", org, "test")
    place = f.location(org["id"], name="Maison", latitude=-1.645, longitude=29.22)
    app_store.create("location", place, "test")
    shelter = f.service(org["id"], [place["id"]], name="Refuge pour femmes", needs=["shelter"],
                        eligibility={"sexes": ["female"]})  # fmt: skip
    app_store.create("service", shelter, "test")
    csrf = signed_in(client, app_store, "caseworker")
    page = search_goma(client, csrf, needs=["shelter"], sex="male", hours="").get_data(as_text=True)
    assert re.search(
        r"Laissés de côté près d&#39;ici : \d+ — réservé à d&#39;autres personnes"
        r" \(femmes ou hommes\)\. Le plus proche : [^<]+, à \d+,\d km\.",
        page,
    )
    full = f.service(org["id"], [place["id"]], name="Refuge complet", needs=["shelter"],
                     capacity={"available": 0, "total": 6,
                               "updated_at": "2026-11-28T08:00:00+00:00"})  # fmt: skip
    app_store.create("service", full, "test")
    public = (
        client.application.test_client()
        .post("/", data={"place": "Goma", "needs": "shelter"})
        .get_data(as_text=True)
    )
    assert "Laissés de côté près d&#39;ici : 1 — complet." in public
    assert "Le plus proche :" not in public and "Refuge complet" not in public


def test_the_caseworker_form_asks_for_an_unsure_place_and_takes_a_province(client, demo):
    csrf = signed_in(client, demo, "caseworker")
    asked = search_goma(client, csrf, place="Ndoshi")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 422 and "Nous ne savons pas avec certitude" in html
    assert "Ndosho (Goma, Nord-Kivu)" in html and GOMA_HOSPITAL not in html
    found = search_goma(client, csrf, place="Ndosho, Goma", province="CD61")
    html = found.get_data(as_text=True)
    assert found.status_code == 200 and "Services près de Ndosho (Goma, Nord-Kivu)" in html
    assert "Position approximative" in html and GOMA_HOSPITAL in html


def test_the_form_offers_exactly_the_matchers_choices():
    """One definition of the request: the form's choices are the matcher's own values."""
    import matching
    from directory.pages.workspace import form

    assert set(form.SEXES) - {""} == set(matching.SEXES)
    assert set(form.AGE_GROUPS) - {""} == set(matching.AGE_GROUPS)
    assert set(form.MODES) == set(matching.MODES)
