"""Coordinators' pages: the moderation queue, verification of stale listings, reverting a
listing to an earlier version (accounts: :mod:`directory.pages.accounts`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from directory.core import workflow
from directory.core.taxonomy import get_taxonomy
from directory.pages import listing_forms, readable
from directory.store import get_store
from directory.store.base import KINDS, BrokenReference, NotFound, VersionConflict
from directory.web.auth import access, current_principal
from directory.web.i18n import gettext as _
from directory.web.i18n import lang_url

blp = Blueprint("review_pages", __name__, url_prefix="/review")
STALE_SHOWN = 50
KIND_LABELS = {"organization": "organisation", "location": "lieu", "service": "service"}


@blp.get("")
@access("staff")
def queue() -> str:
    """Pending changes in words, oldest first, and the stale listings a coordinator filters by
    kind, province or territory, need and source (verified from each listing's page)."""
    store = get_store()
    changes = []
    for record in workflow.pending(store):
        change = record.doc
        current = store.get(change["kind"], change["entity_id"]) or {}
        tz = readable.listing_tz(store, change["kind"], current)
        changes.append({**change, "name": current.get("name", "?"),
                        "kind_label": _(KIND_LABELS[change["kind"]]),
                        "by": readable.actor_label(store, change["submitted_by"]),
                        "at": readable.local_time(change["submitted_at"], tz),
                        "fields": readable.changes(store, current, change["changes"])})  # fmt: skip
    wanted = _stale_filter()
    stale, sources = workflow.stale_filtered(store, wanted)
    return render_template(
        "review.html", changes=changes, stale=stale[:STALE_SHOWN], stale_total=len(stale),
        wanted=wanted, sources=sorted(sources), areas=_area_choices(),
        needs=get_taxonomy().needs, kind_labels=KIND_LABELS,
    )  # fmt: skip


def _stale_filter() -> workflow.StaleFilter:
    """The filter the query string asks for; an unknown value is left out (any)."""
    kind = request.args.get("kind") or None
    area = request.args.get("area") or None
    need = request.args.get("need") or None
    return workflow.StaleFilter(
        kind=kind if kind in KINDS else None,
        area=area if area in get_taxonomy().areas else None,
        need=need if need in get_taxonomy().needs else None,
        source=request.args.get("source") or None,
    )


def _area_choices() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(province P-code, name, its territories) for the area filter."""
    areas = get_taxonomy().areas.values()
    provinces = sorted((a for a in areas if a.level == 1), key=lambda a: a.name)
    return [(p.pcode, p.name, sorted(((t.pcode, t.name) for t in areas
                                      if t.parent_pcode == p.pcode), key=lambda t: t[1]))
            for p in provinces]  # fmt: skip


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
    """The listing was checked (from its page): stamp ``last_verified_at``."""
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
    return redirect(lang_url("review_pages.history", kind=kind, entity_id=current["id"]))


@blp.get("/<any(organization, location, service):kind>/<uuid:entity_id>/history")
@access("staff")
def history(kind: str, entity_id: Any) -> str:
    """A listing as it is now, in words, with its verification and its history (a revert
    button on each earlier version)."""
    store = get_store()
    current = store.get(kind, str(entity_id))
    if current is None:
        abort(404)
    tz = readable.listing_tz(store, kind, current)
    rows = readable.history_rows(store, kind, current)
    shown = [(readable.field_label(name), readable.words(store, name, current.get(name)))
             for name in readable.FIELD_LABELS if name in current
             and name not in ("attributes", "last_confirmed_at")]  # fmt: skip
    return render_template("listing_history.html", kind=kind, doc=current, rows=rows,
                           shown=shown, can_revert=True, kind_label=_(KIND_LABELS[kind]),
                           verified=readable.local_time(current.get("last_verified_at"), tz),
                           stale=workflow.is_stale(current))  # fmt: skip


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
