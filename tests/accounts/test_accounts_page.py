"""The accounts page as a coordinator uses it: roles in words with the least powerful chosen,
the organization by its name, errors at their field in French, the invitations waiting (and
withdrawn), and an invitation page that says what it is for."""

from __future__ import annotations

import re

from directory.core import users
from tests import factories as f
from tests.accounts.helpers import make_user
from tests.accounts.test_pages import _csrf, _sign_in_page


def _coordinator(client, store):  # type: ignore[no-untyped-def]
    make_user(store, "coordinator", email="coord@example.org")
    _sign_in_page(client, "coord@example.org")
    return client.get("/review/accounts")


def _invite(client, page, **fields):  # type: ignore[no-untyped-def]
    data = {"csrf_token": _csrf(page.get_data(as_text=True)), "email": "new@example.org",
            "role": "provider", "organization": "", **fields}  # fmt: skip
    return client.post("/review/accounts", data=data)


def test_roles_are_offered_in_words_the_least_powerful_chosen(client, app_store):
    html = _coordinator(client, app_store).get_data(as_text=True)
    checked = re.search(r'value="(\w+)" checked', html).group(1)
    assert checked == "provider"
    assert "Prestataire — met à jour les fiches de son organisation" in html
    assert 'value="admin"' not in html  # a coordinator cannot grant it
    assert ">admin<" not in html and ">provider<" not in html  # no raw codes


def test_an_organization_is_named_as_people_know_it(client, app_store):
    app_store.create("organization", f.organization(name="Hôpital Général de Goma"), "t")
    page = _coordinator(client, app_store)
    made = _invite(client, page, organization="  hopital general de GOMA ")
    assert made.status_code == 200, made.get_data(as_text=True)[-600:]
    (invite,) = users.pending_invites(app_store)
    org = next(d for k, d in app_store.export() if k == "organization")
    assert invite["organization_id"] == org["id"] and invite["role"] == "provider"
    text = made.get_data(as_text=True)
    assert "Invitation créée pour new@example.org" in text
    assert "Hôpital Général de Goma" in text.split("Invitations en attente</h2>")[1]  # listed


def test_an_unknown_or_ambiguous_organization_is_said_at_its_field(client, app_store):
    for name in ("Clinique Amani", "Clinique Amani Sake"):
        app_store.create("organization", f.organization(name=name), "t")
    app_store.create("organization", f.organization(name="Clinique Amani"), "t")
    page = _coordinator(client, app_store)
    unknown = _invite(client, page, organization="Kliniki ya Mbali")
    assert unknown.status_code == 422
    html = unknown.get_data(as_text=True)
    assert 'id="organization-error"' in html and "Aucune organisation de ce nom." in html
    assert "No such organization" not in html
    twice = _invite(client, page, organization="clinique amani")
    assert twice.status_code == 422
    html = twice.get_data(as_text=True)
    assert "Plusieurs organisations correspondent" in html
    assert html.count('label="Clinique Amani"') == 2  # each offered by its id
    assert users.pending_invites(app_store) == []  # nothing created
    chosen = re.search(r'<option value="([0-9a-f-]{36})" label="Clinique Amani"', html).group(1)
    assert _invite(client, page, organization=chosen).status_code == 200


def test_refusals_are_in_french_at_their_field(client, app_store):
    page = _coordinator(client, app_store)
    no_org = _invite(client, page)  # a provider without an organization
    assert no_org.status_code == 422
    assert "Un prestataire appartient à une organisation" in no_org.get_data(as_text=True)
    make_user(app_store, "caseworker", email="taken@example.org")
    taken = _invite(client, page, email="taken@example.org", role="caseworker")
    html = taken.get_data(as_text=True)
    assert taken.status_code == 422 and 'id="email-error"' in html
    assert "Un compte existe déjà avec cette adresse e-mail." in html
    assert _invite(client, page, role="admin").status_code == 403
    assert _invite(client, page, role="superuser").status_code == 422


def test_a_pending_invitation_is_listed_then_withdrawn(client, app_store):
    page = _coordinator(client, app_store)
    made = _invite(client, page, role="caseworker")
    link = re.search(r"/invite/[A-Za-z0-9_-]+", made.get_data(as_text=True)).group(0)
    guest = client.application.test_client()
    shown = guest.get(link)
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "new@example.org" in text and "Gestionnaire de cas" in text
    listing = client.get("/review/accounts").get_data(as_text=True)
    (invite,) = users.pending_invites(app_store)
    assert f"/review/invites/{invite['id']}/revoke" in listing
    withdrawn = client.post(f"/review/invites/{invite['id']}/revoke",
                            data={"csrf_token": _csrf(listing)})  # fmt: skip
    assert withdrawn.status_code == 302 and users.pending_invites(app_store) == []
    gone = guest.get(link)
    assert gone.status_code == 404 and "n'est plus valable" in gone.get_data(as_text=True)
    assert "Aucune invitation en attente." in client.get("/review/accounts").get_data(as_text=True)


def test_the_invitation_page_refuses_in_french(client, app_store):
    page = _coordinator(client, app_store)
    made = _invite(client, page, role="caseworker")
    link = re.search(r"/invite/[A-Za-z0-9_-]+", made.get_data(as_text=True)).group(0)
    guest = client.application.test_client()
    form = guest.get(link).get_data(as_text=True)
    weak = guest.post(link, data={"csrf_token": _csrf(form), "name": "Amina",
                                  "password": "short"})  # fmt: skip
    assert weak.status_code == 422
    assert "12 caractères au moins" in weak.get_data(as_text=True)
    assert "Use at least" not in weak.get_data(as_text=True)
    empty = guest.post(link, data={"csrf_token": _csrf(form), "name": "", "password": ""})
    assert "Indiquez votre nom." in empty.get_data(as_text=True)
