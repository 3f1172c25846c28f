"""Signing in and out, and accepting an invitation, as server-rendered pages (French first).

The forms carry a CSRF token (Flask-WTF); signing in shares the per-account throttle of the
API, rotates the session, and answers the same for an unknown email and a wrong password.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, session
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from directory.core import users
from directory.core.rights import CASEWORK, STAFF
from directory.pages.accounts import account_message, role_labels
from directory.store import get_store
from directory.web.auth import access, current_principal
from directory.web.i18n import gettext as _
from directory.web.i18n import lang_url
from directory.web.limits import login_limit
from directory.web.sessions import CLEAR_SITE_DATA, authenticate, start_session

blp = Blueprint("signin", __name__)
HOME_BY_ROLE = {
    "caseworker": "workspace.search",
    "provider": "provider_pages.listings",
    "coordinator": "review_pages.queue",
    "admin": "review_pages.queue",
}


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])


class AcceptForm(FlaskForm):
    name = StringField("Name", validators=[
        DataRequired(message=lazy_gettext("Indiquez votre nom.")),
        Length(max=200, message=lazy_gettext("Au plus 200 caractères.")),
    ])  # fmt: skip
    password = PasswordField("Password", validators=[
        DataRequired(message=lazy_gettext("Choisissez un mot de passe.")),
        Length(max=256, message=lazy_gettext("Le mot de passe est trop long.")),
    ])  # fmt: skip


def home_url(role: str | None) -> str:
    """Where a role lands after signing in (the first registered of its pages)."""
    endpoint = HOME_BY_ROLE.get(role or "", "public.home")
    if endpoint not in current_app.view_functions:
        endpoint = "public.home"
    return lang_url(endpoint)


@blp.route("/login", methods=["GET", "POST"])
@access("public")
@login_limit
def sign_in_page() -> str | tuple[str, int] | WerkzeugResponse:
    """The sign-in form; on success, the role's home page."""
    form = SignInForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("signin.html", form=form), status
    user = authenticate(form.email.data or "", form.password.data or "")
    if user is None:
        form.password.errors = [_("Adresse e-mail ou mot de passe incorrect.")]
        return render_template("signin.html", form=form), 401
    start_session(user)
    return redirect(home_url(user.role))


@blp.post("/logout")
@access("signed_in")
def sign_out() -> WerkzeugResponse:
    """End the session (on the server too), have the browser clear this site's cache, cookies
    and storage, and go back to the sign-in page."""
    session.clear()
    response = redirect(lang_url("signin.sign_in_page"))
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@blp.route("/invite/<token>", methods=["GET", "POST"])
@access("public")
def accept_invite(token: str) -> str | tuple[str, int] | WerkzeugResponse:
    """Create an account from a single-use invitation link; the page says which email, role
    and organization the invitation is for (or that it is no longer valid)."""
    store = get_store()
    invite = users.invite_for(store, token) if len(token) <= 100 else None
    if invite is None:
        return render_template("invite.html", form=None, invite=None), 404
    organization = store.get("organization", invite["organization_id"] or "") or {}
    shown = {"email": invite["email"], "role": role_labels()[invite["role"]],
             "organization": organization.get("name", "")}  # fmt: skip
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            users.accept_invite(store, token, form.name.data or "", form.password.data or "")
        except users.AccountError as exc:
            target = form.password if exc.field == "password" else form.name
            target.errors = [account_message(exc)]
            return render_template("invite.html", form=form, invite=shown), 422
        flash(_("Votre compte est prêt : connectez-vous."))
        return redirect(lang_url("signin.sign_in_page"))
    status = 400 if form.is_submitted() else 200
    return render_template("invite.html", form=form, invite=shown), status


@blp.app_context_processor
def _staff_globals() -> dict[str, object]:
    return {"staff_links": staff_links}


STAFF_PAGES = (
    ("workspace.search", "Recherche et orientation", CASEWORK),
    ("provider_pages.listings", "Mes fiches", {"provider"}),
    ("referring.referral_list", "Orientations", CASEWORK | {"provider"}),
    ("review_pages.queue", "Modération et vérification", STAFF),
    ("gaps.index", "Lacunes de couverture", STAFF),
    ("imports.index", "Importer une cartographie", STAFF),
    ("accounts_pages.accounts", "Comptes", STAFF),
)


def staff_links() -> list[tuple[str, str]]:
    """The workspace pages the signed-in user may open (only those that exist)."""
    role = current_principal().role
    return [
        (endpoint, _(label))
        for endpoint, label, roles in STAFF_PAGES
        if role in roles and endpoint in current_app.view_functions
    ]
