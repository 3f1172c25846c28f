"""Coordinators' pages: the moderation queue, verification of stale listings, reverting a
listing to an earlier version, and accounts (invitations, deactivation)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from directory.core import users, workflow
from directory.core.rights import ROLES
from directory.pages import listing_forms
from directory.store import get_store
from directory.store.base import KINDS, BrokenReference, NotFound, VersionConflict
from directory.web.auth import access, current_principal
from directory.web.i18n import gettext as _
from directory.web.i18n import lang_url
from directory.web.sessions import end_sessions_of

blp = Blueprint("review_pages", __name__, url_prefix="/review")
STALE_SHOWN = 50


@blp.get("")
@access("staff")
def queue() -> str:
    """Pending changes, oldest first, and the listings most overdue for verification."""
    store = get_store()
    changes = []
    for record in workflow.pending(store):
        change = record.doc
        current = store.get(change["kind"], change["entity_id"]) or {}
        fields = [(f, current.get(f), value) for f, value in change["changes"].items()]
        changes.append({**change, "name": current.get("name", "?"), "fields": fields})
    stale = workflow.stale_listings(store)
    return render_template("review.html", changes=changes, stale=stale[:STALE_SHOWN],
                           stale_total=len(stale))  # fmt: skip


@blp.post("/changes/<uuid:change_id>/<any(approve, reject):decision>")
@access("staff")
def decide(change_id: Any, decision: str) -> Response:
    """Approve or reject one pending change, with a reason."""
    reason = request.form.get("reason", "")[:500]
    try:
        workflow.decide(get_store(), str(change_id), decision == "approve",
                        current_principal().actor, reason)  # fmt: skip
        flash(_("Décision enregistrée."))
    except NotFound:
        flash(_("Cette modification a déjà été traitée."))
    except (VersionConflict, ValidationError, BrokenReference):
        flash(_("La fiche a changé depuis : cette modification ne s'applique plus."))
    return redirect(lang_url("review_pages.queue"))


@blp.post("/<any(organization, location, service):kind>/<uuid:entity_id>/verify")
@access("staff")
def verify(kind: str, entity_id: Any) -> Response:
    """The listing was checked: stamp ``last_verified_at``."""
    store = get_store()
    current = store.get(kind, str(entity_id))
    if current is None:
        abort(404)
    try:
        workflow.stamp(store, kind, current, "last_verified_at", listing_forms.form_version(),
                       current_principal().actor)  # fmt: skip
        flash(_("Fiche vérifiée."))
    except VersionConflict:
        flash(_("La fiche a changé entre-temps ; relisez-la avant de la vérifier."))
    return redirect(lang_url("review_pages.queue"))


@blp.get("/<any(organization, location, service):kind>/<uuid:entity_id>/history")
@access("staff")
def history(kind: str, entity_id: Any) -> str:
    """A listing's history, with a revert button on each earlier version."""
    store = get_store()
    current = store.get(kind, str(entity_id))
    if current is None:
        abort(404)
    rows = [listing_forms.change_row(c) for c in reversed(store.history(kind, current["id"]))]
    return render_template("listing_history.html", kind=kind, doc=current, rows=rows,
                           can_revert=True)  # fmt: skip


@blp.post("/<any(organization, location, service):kind>/<uuid:entity_id>/revert")
@access("staff")
def revert(kind: str, entity_id: Any) -> Response:
    """Append a new version with the content of an earlier one."""
    store = get_store()
    current = store.get(kind, str(entity_id))
    if current is None or kind not in KINDS:
        abort(404)
    try:
        to_version = int(request.form.get("to_version", ""))
        version, actor = listing_forms.form_version(), current_principal().actor
        workflow.revert(store, kind, current, to_version, version, actor)
        flash(_("La fiche a été rétablie (une nouvelle version a été ajoutée)."))
    except (ValueError, NotFound, VersionConflict, ValidationError, BrokenReference):
        flash(_("Impossible de rétablir cette version."))
    return redirect(lang_url("review_pages.history", kind=kind, entity_id=current["id"]))


@blp.route("/accounts", methods=["GET", "POST"])
@access("staff")
def accounts() -> str | tuple[str, int]:
    """Every account; invite someone (the single-use link is shown once)."""
    store, principal = get_store(), current_principal()
    link, error, status = None, None, 200
    if request.method == "POST":
        org = request.form.get("organization_id") or None
        role = request.form.get("role", "")
        if not users.may_grant(principal.role, role):
            error, status = _("Vous ne pouvez pas attribuer ce rôle."), 403
        else:
            try:
                _invite, token = users.create_invite(
                    store, request.form.get("email", ""), role, org, principal.actor
                )
                link = request.host_url.rstrip("/") + f"/invite/{token}"
            except users.AccountError as exc:
                error, status = exc.message, 422
    grantable = [r for r in ROLES if users.may_grant(principal.role, r)]
    return render_template("accounts.html", users=users.list_users(store), link=link,
                           error=error, roles=grantable), status  # fmt: skip


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
    return redirect(lang_url("review_pages.accounts"))
