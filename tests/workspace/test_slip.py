"""The referral slip is discreet: neutral titles, no name that tells what happened, the
referring organization's number and a hotline to call, reprinted by code from the list."""

from __future__ import annotations

import html as html_module
import re

from directory.core.discretion import reveals
from tests import factories as f
from tests.accounts.helpers import PASSWORD, make_user
from tests.workspace import test_workspace_pages as pages
from tests.workspace.test_workspace_pages import (
    GOMA_HOSPITAL,
    _csrf,
    _refer,
    pdf_text,
    search_goma,
    signed_in,
)

backend = pages.backend  # the demo directory on SQLite, as the workspace pages' tests
demo = pages.demo


def _slip_text(html: str) -> str:
    """The slip as the survivor carries it: the article, tags removed."""
    article = re.search(r'<article class="slip".*?</article>', html, re.S).group(0)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", article))


def _caseworker_of_an_agency(client, demo):  # type: ignore[no-untyped-def]
    """A caseworker of an organization with a phone, signed in; its CSRF token."""
    agency = demo.create("organization", f.organization(
        name="Action Femmes contre les violences sexuelles",
        phones=[{"number": "+243 990 000 111", "type": "voice"}]), "test")  # fmt: skip
    make_user(demo, "caseworker", agency["id"], email="agency@example.org")
    form = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "agency@example.org", "password": PASSWORD,
                                "csrf_token": _csrf(form)})  # fmt: skip
    return _csrf(client.get("/workspace/referrals").get_data(as_text=True))


def _pick_hospital(client, csrf):  # type: ignore[no-untyped-def]
    html = search_goma(client, csrf).get_data(as_text=True)
    assert GOMA_HOSPITAL in html  # the workspace names it: the caseworker must know what it is
    picks = re.findall(r'name="pick" value="(medical\|[^"]+)"', html)
    return picks[:1]


def test_the_slip_names_nothing_that_tells_what_happened(client, demo):
    csrf = _caseworker_of_an_agency(client, demo)
    slip, _ = _refer(client, csrf, _pick_hospital(client, csrf), consented=True)
    assert slip.status_code == 200
    text = _slip_text(slip.get_data(as_text=True))
    assert "Santé" in text and "Soins médicaux" not in text
    assert GOMA_HOSPITAL not in text and not reveals(text), text
    assert "Pour toute question :" in text and "+243 990 000 111" in text  # the agency unnamed
    assert "Ligne d'aide gratuite" in text  # the demo's national hotline, unnamed
    (record,) = demo.find_records("referral")
    pdf = client.post("/workspace/slip.pdf", data={"csrf_token": csrf,
                                                   "code": [record.doc["code"]]})  # fmt: skip
    content = pdf_text(pdf.data)
    assert "Sant" in content and "+243 990 000 111" in content
    assert "viol" not in content.lower() and "VBG" not in content


def test_the_slip_is_reprinted_by_code_from_the_referrals_list(client, demo):
    csrf = _caseworker_of_an_agency(client, demo)
    _refer(client, csrf, _pick_hospital(client, csrf), consented=True)
    (record,) = demo.find_records("referral")
    code = record.doc["code"]
    listing = client.get("/workspace/referrals").get_data(as_text=True)
    assert "Réimprimer" in listing and f'name="code" value="{code}"' in listing
    again = client.post("/workspace/slip", data={"csrf_token": csrf, "code": code})
    assert again.status_code == 200 and again.headers["Cache-Control"] == "no-store"
    html = again.get_data(as_text=True)
    assert "Fiche réimprimée" in html and f"{code[:4]} {code[4:]}" in _slip_text(html)
    assert len(demo.find_records("referral")) == 1  # reprinting records nothing

    other = client.application.test_client()
    other_csrf = signed_in(other, demo, "caseworker")
    refused = other.post("/workspace/slip", data={"csrf_token": other_csrf, "code": code})
    assert refused.status_code == 422 and code not in refused.get_data(as_text=True)
    unknown = client.post("/workspace/slip", data={"csrf_token": csrf, "code": "ZZZZ9999"})
    assert unknown.status_code == 422


def test_a_provider_sees_no_reprint(client, demo):
    csrf = _caseworker_of_an_agency(client, demo)
    _refer(client, csrf, _pick_hospital(client, csrf), consented=True)
    (record,) = demo.find_records("referral")
    provider = client.application.test_client()
    signed_in(provider, demo, "provider", record.doc["organization_id"])
    listing = provider.get("/workspace/referrals").get_data(as_text=True)
    assert record.doc["code"][:4] in listing and "Réimprimer" not in listing


def test_referrals_without_an_answer_are_shown_to_follow_up(client, demo, monkeypatch):
    from datetime import timedelta

    from directory.core import referrals

    csrf = _caseworker_of_an_agency(client, demo)
    _refer(client, csrf, _pick_hospital(client, csrf), consented=True)
    (record,) = demo.find_records("referral")
    code = record.doc["code"]
    fresh = client.get("/workspace/referrals").get_data(as_text=True)
    assert "Aucune orientation n'attend de réponse" in fresh
    start = referrals.now()
    monkeypatch.setattr(referrals, "now", lambda: start + timedelta(days=3))
    late = client.get("/workspace/referrals").get_data(as_text=True)  # 2 days by default
    follow_up = late.split('id="follow-up"')[1].split("</section>")[0]
    assert "1 orientation attend une réponse du service" in follow_up
    assert f"{code[:4]} {code[4:]}" in follow_up and 'class="late"' in late
    patient = client.get("/workspace/referrals?waiting=7").get_data(as_text=True)
    assert "Aucune orientation n'attend" in patient and 'value="7" selected' in patient
    odd = client.get("/workspace/referrals?waiting=5")  # not a choice: the default
    assert odd.status_code == 200 and 'value="2" selected' in odd.get_data(as_text=True)
    provider = client.application.test_client()
    provider_csrf = signed_in(provider, demo, "provider", record.doc["organization_id"])
    provider.post("/workspace/referrals/status", data={
        "csrf_token": provider_csrf, "code": code, "status": "received"})  # fmt: skip
    answered = client.get("/workspace/referrals").get_data(as_text=True)
    assert "Aucune orientation n'attend" in answered  # the provider answered
    assert "À relancer" not in provider.get("/workspace/referrals").get_data(as_text=True)


def test_consent_is_given_service_by_service_and_says_who_gave_it(client, demo):
    csrf = _caseworker_of_an_agency(client, demo)
    html = search_goma(client, csrf).get_data(as_text=True)
    picks = list(dict.fromkeys(re.findall(r'name="pick" value="([^"]+)"', html)))[:2]
    assert len(picks) == 2
    form = client.post("/workspace/refer", data={"csrf_token": csrf, "pick": picks})
    page = form.get_data(as_text=True)
    assert 'name="consent_method" value="verbal" checked' not in page  # nothing ticked for them
    assert page.count('name="consent" value=') == 2
    none, data = _refer(client, csrf, picks)  # no service consented to
    assert none.status_code == 422 and demo.find_records("referral") == []
    assert "Cochez chaque service" in none.get_data(as_text=True)
    nobody, _ = _refer(client, csrf, picks, consented=True, consent_method="")
    assert nobody.status_code == 422 and demo.find_records("referral") == []
    assert "Indiquez qui a donné son consentement." in nobody.get_data(as_text=True)
    one, _ = _refer(client, csrf, picks, consent=[picks[1]], consent_method="best_interest")
    assert one.status_code == 200
    (record,) = demo.find_records("referral")
    assert record.doc["service_id"] == picks[1].split("|")[1]  # only the one agreed to
    assert record.doc["consent"] == {"attested": True, "method": "best_interest"}


def test_the_api_records_a_childs_consent_without_identity(client, demo):
    from directory.core.rights import issue_token
    from tests.conftest import bearer

    org = next(d for k, d in demo.export() if k == "organization")

    token = issue_token(demo, "caseworker", "api", org["id"])
    service = next(d for k, d in demo.export() if k == "service" and "medical" in d["needs"]
                   and not d["remote"])  # fmt: skip
    for method in ("guardian", "best_interest", "adolescent"):
        made = client.post("/api/v1/referrals", headers=bearer(token), json={
            "service_id": service["id"], "need": "medical",
            "consent": {"attested": True, "method": method}})  # fmt: skip
        assert made.status_code == 201, made.get_json()
        assert made.get_json()["consent"]["method"] == method
    odd = client.post("/api/v1/referrals", headers=bearer(token), json={
        "service_id": service["id"], "need": "medical",
        "consent": {"attested": True, "method": "mother of Amina"}})  # fmt: skip
    assert odd.status_code == 422


def test_a_needs_candidates_are_compared_side_by_side(client, demo):
    hospital = next(d for k, d in demo.export() if k == "service" and d["name"] == GOMA_HOSPITAL)
    other = demo.create("organization", f.organization(name="Clinique Tumaini (test)"), "t")
    place = demo.create("location", f.location(other["id"], name="Tumaini"), "t")
    demo.create("service", f.service(other["id"], [place["id"]], name="Clinique Tumaini",
                                     needs=["medical"], capabilities=["pep"],
                                     stock_out=["pep"]), "t")  # fmt: skip
    csrf = _caseworker_of_an_agency(client, demo)
    agency = next(d for k, d in demo.export() if k == "organization"
                  and d["name"].startswith("Action Femmes"))  # fmt: skip
    agreement = [{"organization_id": hospital["organization_id"], "since": "2026-01-01"}]
    demo.update("organization", agency["id"], {**agency, "referral_agreements": agreement},
                agency["version"], "t")  # fmt: skip
    html = search_goma(client, csrf, hours="").get_data(as_text=True)  # not urgent
    assert "Comparer ces 2 services" in html
    table = html.split('class="compare"')[1].split("</details>")[0]
    heads = re.findall(r'<th scope="col">(?:<span class="pin">\d+</span> )?([^<]+)</th>', table)
    assert heads[0] == "Soins médicaux" and {GOMA_HOSPITAL, "Clinique Tumaini"} <= set(heads)
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>((?:<td>[^<]*</td>)+)', table))

    def cell(label: str, name: str) -> str:
        return re.findall(r"<td>([^<]*)</td>", rows[label])[heads[1:].index(name)]

    for label in ("Ouvert", "Distance et trajet", "Vérifiée", "Langues"):
        assert label in rows, (label, list(rows))
    pep = next(k for k in rows if "PEP" in k)
    assert cell(pep, GOMA_HOSPITAL) == "oui" and cell(pep, "Clinique Tumaini") == "en rupture"
    agreement_row = next(k for k in rows if k.startswith("Accord d"))
    assert cell(agreement_row, GOMA_HOSPITAL) == "oui"
    assert cell(agreement_row, "Clinique Tumaini") == "non"


def test_the_slip_is_printed_in_the_persons_language(client, demo):
    from tests.pages.helpers import compile_catalogues

    compile_catalogues()
    csrf = _caseworker_of_an_agency(client, demo)
    slip, _ = _refer(client, csrf, _pick_hospital(client, csrf), consented=True)
    html = slip.get_data(as_text=True)
    assert "La fiche dans la langue de la personne" in html and 'lang="sw"' in html
    (record,) = demo.find_records("referral")
    swahili = client.post("/workspace/slip", data={"csrf_token": csrf, "lang": "sw",
                                                   "code": record.doc["code"]})  # fmt: skip
    text = _slip_text(swahili.get_data(as_text=True))
    assert "Karatasi ya rufaa" in text and "Afya" in text and "Santé" not in text
    assert not reveals(text)
    pdf = client.post("/workspace/slip.pdf", data={"csrf_token": csrf, "lang": "ln",
                                                   "code": [record.doc["code"]]})  # fmt: skip
    assert "Mokanda ya botindi" in pdf_text(pdf.data)
