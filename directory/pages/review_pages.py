"""Coordinators' pages: the moderation queue, verification of stale listings, reverting a
listing to an earlier version (accounts: :mod:`directory.pages.accounts`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from directory.core import workflow
from directory.pages import listing_forms
from directory.store import get_store
from directory.store.base import KINDS, BrokenReference, NotFound, VersionConflict
from directory.web.auth import access, current_principal
from directory.web.i18n import gettext as _
from directory.web.i18n import lang_url

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
