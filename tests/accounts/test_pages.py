"""The signed-in pages: sign-in form, provider self-service, coordinator review and accounts."""

from __future__ import annotations

import re

from directory.core.rights import issue_token
from tests.accounts.helpers import PASSWORD, make_user
from tests.api.helpers import goma_listing


def _csrf(page_html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def _sign_in_page(client, email):
    form = client.get("/login")
    assert form.status_code == 200 and "Set-Cookie" in form.headers
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": _csrf(form.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def _shared_store_setup(client, tokens, app_store):
    org, loc, svc = goma_listing(
        client,
        tokens["admin"],
        capacity={"available": 2, "total": 3, "updated_at": "2026-11-01T00:00:00+00:00"},
    )
    provider = make_user(app_store, "provider", org["id"], email="p@example.org")
    return org, loc, svc, provider


def test_sign_in_form_needs_csrf_and_answers_wrong_passwords_plainly(client, app_store):
    make_user(app_store, "caseworker")
    page = client.get("/login").get_data(as_text=True)
    no_token = client.post(
        "/login", data={"email": "caseworker-x@example.org", "password": PASSWORD}
    )
    assert no_token.status_code == 400
    wrong = client.post(
        "/login",
        data={"email": "caseworker-x@example.org", "password": "x" * 12, "csrf_token": _csrf(page)},
    )
    assert wrong.status_code == 401 and "incorrect" in wrong.get_data(as_text=True)


def test_provider_edits_hours_and_capacity_and_confirms(client, tokens, app_store):
    org, loc, svc, _ = _shared_store_setup(client, tokens, app_store)
    landing = _sign_in_page(client, "p@example.org")
    assert landing.headers["Location"].endswith("/provider")
    home = client.get("/provider")
    html = home.get_data(as_text=True)
    assert (
        home.status_code == 200 and "Soins" in html and home.headers["Cache-Control"] == "no-store"
    )
    form = client.get(f"/provider/services/{svc['id']}").get_data(as_text=True)
    saved = client.post(
        f"/provider/services/{svc['id']}",
        data={
            "csrf_token": _csrf(form),
            "version": "1",
            "name": "Soins",
            "description": "",
            "status": "active",
            "needs": ["medical"],
            "capabilities": ["pep"],
            "hours-0-0-opens": "08:00",
            "hours-0-0-closes": "16:00",
            "languages": "fr, sw",
            "capacity_available": "2",
            "capacity_total": "3",
        },
    )
    assert saved.status_code == 302
    doc = app_store.get("service", svc["id"])
    assert doc["schedule"]["hours"] == [{"weekday": 0, "opens": "08:00", "closes": "16:00"}]
    assert doc["languages"] == ["fr", "sw"]
    assert doc["capabilities"] == []  # a capability claimed waits for a coordinator
    (held,) = app_store.find_records("pending_change", key2=svc["id"])
    assert held.doc["changes"] == {"capabilities": ["pep"]}
    token = _csrf(client.get("/provider").get_data(as_text=True))
    client.post(
        f"/provider/services/{svc['id']}/capacity",
        data={"csrf_token": token, "version": str(doc["version"]), "delta": "+1"},
    )
    assert app_store.get("service", svc["id"])["capacity"]["available"] == 3
    said = client.get("/provider").get_data(as_text=True)  # what was saved, and when
    assert re.search(r"Enregistré le \d+ \w+\.? \d{4}, \d{2}:\d{2} \(heure de \w+\) : Soins, "
                     r"3 place\(s\) libre\(s\)", said), said  # fmt: skip
    client.post(
        f"/provider/services/{svc['id']}/confirm",
        data={"csrf_token": token, "version": str(doc["version"] + 1)},
    )
    assert app_store.get("service", svc["id"])["last_confirmed_at"]
    said = client.get("/provider").get_data(as_text=True)
    assert "« Soins » est confirmée exacte le " in said and "(heure de Lubumbashi)" in said


def test_provider_form_errors_name_the_field_and_change_nothing(client, tokens, app_store):
    org, loc, svc, _ = _shared_store_setup(client, tokens, app_store)
    _sign_in_page(client, "p@example.org")
    form = client.get(f"/provider/services/{svc['id']}").get_data(as_text=True)
    before = app_store.get("service", svc["id"])
    bad = client.post(
        f"/provider/services/{svc['id']}",
        data={
            "csrf_token": _csrf(form),
            "version": "1",
            "name": "Soins",
            "needs": ["medical"],
            "min_age": "douze",
            "hours-1-0-opens": "8h",  # read as 08:00, but it closes at no time
        },
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Écrivez un nombre entier." in text and "Format non reconnu." in text
    assert "Not a valid integer" not in text and "String does not match" not in text
    assert app_store.get("service", svc["id"]) == before


def test_hours_are_read_as_people_write_them_and_refused_at_their_input(client, tokens, app_store):
    org, loc, svc, _ = _shared_store_setup(client, tokens, app_store)
    _sign_in_page(client, "p@example.org")
    form = client.get(f"/provider/services/{svc['id']}").get_data(as_text=True)
    assert 'placeholder="08:00"' not in form  # no example that looks like real hours
    assert "voice" not in re.sub(r'value="voice"', "", form)  # phone kinds in words
    data = {"csrf_token": _csrf(form), "version": "1", "name": "Soins", "needs": ["medical"],
            "hours-0-0-opens": "8h", "hours-0-0-closes": "12 h 30",
            "hours-0-1-opens": "14h", "hours-0-1-closes": "16h30",
            "hours-2-0-opens": "huit heures", "hours-2-0-closes": "midi",
            "language": ["fr", "sw"], "languages_other": "hav"}  # fmt: skip
    refused = client.post(f"/provider/services/{svc['id']}", data=data)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    error = re.search(r'id="hours-2-0-opens-error" role="alert">([^<]+)<', html).group(1)
    assert error.startswith("Heure non reconnue")
    assert 'value="huit heures"' in html  # what was typed stays, to be fixed
    assert app_store.get("service", svc["id"])["schedule"]["hours"] == []
    saved = client.post(f"/provider/services/{svc['id']}", data={**data,
                        "hours-2-0-opens": "8:00"})  # fmt: skip
    assert saved.status_code == 302, saved.get_data(as_text=True)[-800:]
    doc = app_store.get("service", svc["id"])
    assert doc["schedule"]["hours"] == [
        {"weekday": 0, "opens": "08:00", "closes": "12:30"},
        {"weekday": 0, "opens": "14:00", "closes": "16:30"},
        {"weekday": 2, "opens": "08:00", "closes": "12:00"}]  # fmt: skip
    assert doc["languages"] == ["fr", "sw", "hav"]
    again = client.get(f"/provider/services/{svc['id']}").get_data(as_text=True)
    assert 'value="sw" checked' in again and 'name="languages_other" value="hav"' in again
    assert "Places disponibles" not in again  # a medical service has no beds to count


def test_read_time_reads_the_ways_people_write_hours():
    from directory.pages.listing_forms import read_time

    written = {"8h": "08:00", "8 h": "08:00", "8h30": "08:30", "8 h 30": "08:30",
               "16h30": "16:30", "08:00": "08:00", "8:5": None, "7.45": "07:45", "8": "08:00",
               "midi": "12:00", "Minuit": "00:00", "24h": "23:59", "25h": None, "8h75": None,
               "huit": None, "": None}  # fmt: skip
    assert {text: read_time(text) for text in written} == written


def test_other_organizations_pages_are_404_for_providers(client, tokens, app_store):
    org, loc, svc, _ = _shared_store_setup(client, tokens, app_store)
    other_org, other_loc, other_svc = goma_listing(client, tokens["admin"])
    _sign_in_page(client, "p@example.org")
    for url in (
        f"/provider/services/{other_svc['id']}",
        f"/provider/locations/{other_loc['id']}",
        f"/provider/services/{other_svc['id']}/history",
        "/review",
        "/review/accounts",
    ):
        assert client.get(url).status_code in (403, 404), url


def test_sensitive_edit_is_approved_on_the_review_page(client, tokens, app_store):
    org, loc, svc, _ = _shared_store_setup(client, tokens, app_store)
    provider = issue_token(app_store, "provider", "p", org["id"])
    client.patch(
        f"/api/v1/services/{svc['id']}",
        json={"needs": ["medical", "psychosocial"]},
        headers={"Authorization": f"Bearer {provider}", "If-Match": '"1"'},
    )
    make_user(app_store, "coordinator")
    staff = client.application.test_client()
    _sign_in_page(staff, "coordinator-x@example.org")
    page = staff.get("/review").get_data(as_text=True)
    assert "psychosocial" in page
    change_id = re.search(r"/review/changes/([0-9a-f-]+)/approve", page).group(1)
    staff.post(
        f"/review/changes/{change_id}/approve", data={"csrf_token": _csrf(page), "reason": "ok"}
    )
    assert app_store.get("service", svc["id"])["needs"] == ["medical", "psychosocial"]


def test_coordinator_invites_and_reverts(client, tokens, app_store):
    org, loc, svc, _ = _shared_store_setup(client, tokens, app_store)
    make_user(app_store, "coordinator")
    _sign_in_page(client, "coordinator-x@example.org")
    page = client.get("/review/accounts").get_data(as_text=True)
    invited = client.post(
        "/review/accounts",
        data={"csrf_token": _csrf(page), "email": "new@example.org", "role": "caseworker"},
    )
    link = re.search(r"/invite/([A-Za-z0-9_-]+)", invited.get_data(as_text=True)).group(0)
    guest = client.application.test_client()
    form = guest.get(link).get_data(as_text=True)
    created = guest.post(
        link, data={"csrf_token": _csrf(form), "name": "Nouvelle", "password": PASSWORD}
    )
    assert created.status_code == 302
    client.patch(
        f"/api/v1/services/{svc['id']}",
        json={"name": "Wrong"},
        headers={"Authorization": f"Bearer {tokens['admin']}", "If-Match": '"1"'},
    )
    history = client.get(f"/review/service/{svc['id']}/history").get_data(as_text=True)
    client.post(
        f"/review/service/{svc['id']}/revert",
        data={"csrf_token": _csrf(history), "version": "2", "to_version": "1"},
    )
    assert app_store.get("service", svc["id"])["name"] == "Soins"
    assert app_store.get("service", svc["id"])["version"] == 3
