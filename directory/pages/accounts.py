"""The accounts page (coordinators, admins): invite someone, the invitations waiting, the
accounts, deactivation.

An invitation names the organization by its name as people know it (the id works too), offers
roles in words with the least powerful first and chosen by default, and every refusal is said
at its field in the page's words. Invitations not yet used are listed with what they grant and
until when, and can be withdrawn.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from babel.dates import format_date
from flask import Blueprint, abort, flash, redirect, render_template, request
from werkzeug.wrappers import Response

from directory.core import users
from directory.places.names import normalise
from directory.store import get_store
from directory.store.base import Document, ListQuery, Store
from directory.web.auth import access, current_principal
from directory.web.i18n import current_language, lang_url
from directory.web.i18n import gettext as _
from directory.web.sessions import end_sessions_of

blp = Blueprint("accounts_pages", __name__, url_prefix="/review")
ROLE_ORDER = ("provider", "caseworker", "coordinator", "admin")
"""Least powerful first: the first one the inviter may grant is chosen by default."""
SUGGESTIONS = 8


def role_labels() -> dict[str, str]:
    """Each role in words, with what it may do."""
    return {
        "provider": _("Prestataire — met à jour les fiches de son organisation"),
        "caseworker": _("Gestionnaire de cas — recherche et oriente"),
        "coordinator": _("Coordination — vérifie, modère, invite"),
        "admin": _("Administration — tout, y compris les administrateurs"),
    }


def account_message(error: users.AccountError) -> str:
    """An account refusal in the page's words."""
    known = {
        "An account with this email exists already.": _("Un compte existe déjà avec cette "
                                                         "adresse e-mail."),
        "A provider belongs to an organization.": _("Un prestataire appartient à une "
                                                    "organisation : indiquez-la."),
        "Admins and coordinators have no organization.": _("La coordination et "
                                                           "l'administration n'ont pas "
                                                           "d'organisation : laissez ce champ "
                                                           "vide."),
        "No such organization.": _("Organisation inconnue."),
        "This invitation is not valid or has expired.": _("Cette invitation n'est plus valable "
                                                          "(déjà utilisée, retirée ou expirée)."),
    }  # fmt: skip
    if error.field == "role":
        return _("Choisissez un rôle dans la liste.")
    if error.field == "password" and error.message.startswith("Use at least"):
        return _("Le mot de passe doit compter 12 caractères au moins.")
    if error.field == "password" and error.message.startswith("Use at most"):
        return _("Le mot de passe est trop long.")
    if error.field == "password":
        return _("Ce mot de passe est trop courant ou trop facile à deviner : prenez quelques "
                 "mots sans rapport entre eux.")  # fmt: skip
    if error.field == "name":
        return _("Le nom contient un caractère invisible ou de contrôle : retapez-le.")
    return known.get(error.message, error.message)


def find_organization(store: Store, typed: str) -> tuple[Document | None, list[Document]]:
    """The organization ``typed`` names (its id, or its name with any case and accents), and
    when there is none or several, those whose names hold the words typed (a few)."""
    typed = typed.strip()
    try:
        found = store.get("organization", str(uuid.UUID(typed)))
    except ValueError:
        found = None
    if found is not None:
        return found, []
    page = store.page("organization", ListQuery(text=typed, text_names_only=True,
                                                limit=SUGGESTIONS))  # fmt: skip
    exact = [o for o in page.items if normalise(o["name"]) == normalise(typed)]
    if len(exact) == 1:
        return exact[0], []
    return None, exact or page.items


@blp.route("/accounts", methods=["GET", "POST"])
@access("staff")
def accounts() -> tuple[str, int]:
    """Every account and pending invitation; invite someone (the link is shown once)."""
    store, principal = get_store(), current_principal()
    grantable = [r for r in ROLE_ORDER if users.may_grant(principal.role, r)]
    form: dict[str, Any] = {"role": grantable[0] if grantable else ""}
    link: str | None = None
    errors: dict[str, str] = {}
    suggestions: list[Document] = []
    status = 200
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip() for k in ("email", "role", "organization")}
        link, errors, suggestions = _invite(store, form, grantable)
        if link:  # a fresh form for the next person; the notice names this one
            form = {"role": grantable[0], "invited": form["email"]}
        if errors:  # a role that exists but is not the inviter's to grant: forbidden
            forbidden = "role" in errors and form["role"] in ROLE_ORDER
            status = 403 if forbidden else 422
    return render_template(
        "accounts.html", users=users.list_users(store), link=link, errors=errors, form=form,
        roles=grantable, role_labels=role_labels(), suggestions=suggestions,
        invites=[_shown_invite(store, i) for i in users.pending_invites(store)],
        organizations=_organization_names(store, users.list_users(store)),
    ), status  # fmt: skip


def _invite(
    store: Store, form: dict[str, str], grantable: list[str]
) -> tuple[str | None, dict[str, str], list[Document]]:
    """(the link, or the errors by field and organizations that could be meant)."""
    if form["role"] not in grantable:
        return None, {"role": _("Vous ne pouvez pas attribuer ce rôle.")}, []
    organization_id = None
    if form["organization"]:
        found, suggestions = find_organization(store, form["organization"])
        if found is None:
            message = (_("Plusieurs organisations correspondent : choisissez-en une.")
                       if suggestions else _("Aucune organisation de ce nom."))  # fmt: skip
            return None, {"organization": message}, suggestions
        organization_id = found["id"]
    try:
        _doc, token = users.create_invite(store, form["email"], form["role"], organization_id,
                                          current_principal().actor)  # fmt: skip
    except users.AccountError as exc:
        field = "organization" if exc.field == "organization_id" else exc.field
        return None, {field: account_message(exc)}, []
    return request.host_url.rstrip("/") + f"/invite/{token}", {}, []


def _shown_invite(store: Store, invite: Document) -> dict[str, Any]:
    organization = store.get("organization", invite["organization_id"] or "") or {}
    expires = datetime.fromisoformat(invite["expires_at"])
    return {**invite, "organization_name": organization.get("name", ""),
            "expires": format_date(expires, "long", locale=current_language())}  # fmt: skip


def _organization_names(store: Store, people: list[users.User]) -> dict[str, str]:
    ids = {u.organization_id for u in people if u.organization_id}
    return {i: (store.get("organization", i) or {}).get("name", "—") for i in ids}


@blp.post("/invites/<uuid:invite_id>/revoke")
@access("staff")
def revoke(invite_id: Any) -> Response:
    """Withdraw an invitation not used yet (its link stops working)."""
    store = get_store()
    record = store.get_record("invite", str(invite_id))
    if record is None or not users.may_grant(current_principal().role, record.doc["role"]):
        abort(404)
    if users.revoke_invite(store, str(invite_id)):
        flash(_("Invitation retirée : son lien ne fonctionne plus."))
    return redirect(lang_url("accounts_pages.accounts"))


@blp.post("/accounts/<uuid:user_id>/<any(activate, deactivate):action>")
@access("staff")
def set_active(user_id: Any, action: str) -> Response:
    """Deactivate (ending every session and token) or reactivate an account."""
    store, principal = get_store(), current_principal()
    user = users.get_user(store, str(user_id))
    if user is None or not users.may_grant(principal.role, user.role):
        abort(404)
    users.save_user(store, user, active=action == "activate")
    if action == "deactivate":
        end_sessions_of(user.id)
    return redirect(lang_url("accounts_pages.accounts"))
