"""Providers keep their own listings (server-rendered, French first).

A provider sees its organization's locations and services, edits hours, phones, languages,
capabilities, capacity (one tap), status and alerts, and presses "still accurate". Edits go
through :func:`directory.core.editing.apply_edit`, exactly as the API's: ordinary fields go live at
once, sensitive ones wait for a coordinator, and a stale form (someone else saved first) is
refused rather than overwriting. Coordinators may use the same pages for any listing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from directory.core import editing, workflow
from directory.core.rights import can_write
from directory.core.schemas import flatten_field_errors
from directory.core.taxonomy import get_taxonomy
from directory.pages import listing_forms, readable
from directory.store import get_store
from directory.store.base import Document, ListQuery, VersionConflict
from directory.web.auth import access, current_principal
from directory.web.i18n import gettext as _
from directory.web.i18n import lang_url

blp = Blueprint("provider_pages", __name__, url_prefix="/provider")
KINDS = {"services": "service", "locations": "location", "organizations": "organization"}


@blp.get("")
@access("writer")
def listings() -> str:
    """The provider's organization and all its locations and services."""
    principal, store = current_principal(), get_store()
    org_id = principal.organization_id or request.args.get("organization", "")
    organization = store.get("organization", org_id) if org_id else None
    if organization is None or not can_write(principal, "organization", organization):
        return render_template("provider_home.html", organization=None, groups={})
    groups = {
        kind: store.page(kind, ListQuery(organization_id=org_id, limit=500)).items
        for kind in ("location", "service")
    }
    pending = {r.doc["entity_id"] for r in workflow.pending(store)}
    return render_template(
        "provider_home.html", organization=organization, groups=groups, pending=pending,
        stale=workflow.is_stale,
    )  # fmt: skip


@blp.route("/<any(services, locations, organizations):plural>/<uuid:entity_id>",
           methods=["GET", "POST"])  # fmt: skip
@access("writer")
def edit(plural: str, entity_id: Any) -> str | tuple[str, int] | Response:
    """The edit form of one listing; saving applies the edit (or holds sensitive fields)."""
    kind = KINDS[plural]
    current = editing.read_writable(get_store(), current_principal(), kind, str(entity_id))
    if request.method == "GET":
        return render_edit(kind, current, current, {})
    changes = listing_forms.changes_from_form(kind, request.form, current)
    problems = listing_forms.form_problems(kind, request.form)
    if problems:  # said at each input; nothing saved
        return render_edit(kind, current, {**current, **changes}, problems), 422
    return _save(kind, current, changes)


@blp.post("/<any(services, locations, organizations):plural>/<uuid:entity_id>/confirm")
@access("writer")
def confirm(plural: str, entity_id: Any) -> Response:
    """ "Still accurate": re-confirm the listing without changing it."""
    kind = KINDS[plural]
    current = editing.read_writable(get_store(), current_principal(), kind, str(entity_id))
    try:
        version, actor = listing_forms.form_version(), current_principal().actor
        stored = workflow.stamp(get_store(), kind, current, "last_confirmed_at", version, actor)
        when = readable.local_time(stored["last_confirmed_at"],
                                   readable.listing_tz(get_store(), kind, stored))  # fmt: skip
        flash(_("Merci : « %(name)s » est confirmée exacte le %(when)s.", name=stored["name"],
                when=when))  # fmt: skip
    except VersionConflict:
        flash(_("La fiche a changé entre-temps ; vérifiez-la puis confirmez à nouveau."))
    return redirect(_home(current))


@blp.post("/services/<uuid:entity_id>/capacity")
@access("writer")
def capacity(entity_id: Any) -> Response:
    """One tap: one bed more or one bed fewer available now."""
    current = editing.read_writable(get_store(), current_principal(), "service", str(entity_id))
    step = 1 if request.form.get("delta") == "+1" else -1
    changes = listing_forms.capacity_change(current, step)
    try:
        done = editing.apply_edit(get_store(), current_principal(), "service", current, changes,
                                  listing_forms.form_version())  # fmt: skip
        stored = done.listing
        when = readable.local_time(stored["updated_at"],
                                   readable.listing_tz(get_store(), "service", stored))  # fmt: skip
        flash(_("Enregistré le %(when)s : %(name)s, %(free)s place(s) libre(s).",
                when=when, name=stored["name"],
                free=(stored.get("capacity") or {}).get("available", "?")))  # fmt: skip
    except (VersionConflict, ValidationError):
        flash(_("La capacité n'a pas pu être changée ; rechargez la page."))
    return redirect(_home(current))


@blp.get("/<any(services, locations, organizations):plural>/<uuid:entity_id>/history")
@access("writer")
def history(plural: str, entity_id: Any) -> str:
    """Every change of the listing: who, when, and what changed."""
    kind = KINDS[plural]
    current = editing.read_writable(get_store(), current_principal(), kind, str(entity_id))
    rows = readable.history_rows(get_store(), kind, current)
    return render_template("listing_history.html", kind=kind, doc=current, rows=rows)


def render_edit(kind: str, current: Document, shown: Document, errors: dict[str, Any]) -> str:
    """The edit form for ``kind``, showing ``shown`` (the stored listing or a rejected draft)."""
    taxonomy = get_taxonomy()
    return render_template(
        "provider_edit.html", kind=kind, doc=shown, current=current, errors=errors,
        slots=listing_forms.hours_by_slot(shown), needs=list(taxonomy.needs),
        capabilities=list(taxonomy.capabilities), accessibility=sorted(taxonomy.accessibility),
        sensitive=workflow.SENSITIVE[kind], is_provider=current_principal().role == "provider",
        common_languages=listing_forms.COMMON_LANGUAGES,
    )  # fmt: skip


def _save(kind: str, current: Document, changes: dict[str, Any]) -> tuple[str, int] | Response:
    try:
        result = editing.apply_edit(get_store(), current_principal(), kind, current, changes,
                                    listing_forms.form_version())  # fmt: skip
    except ValidationError as exc:
        errors = listing_forms.field_messages(flatten_field_errors(exc.messages))
        return render_edit(kind, current, {**current, **changes}, errors), 422
    except VersionConflict:
        flash(_("Quelqu'un a modifié cette fiche entre-temps : voici la version actuelle."))
        return redirect(request.url)
    if result.pending:
        flash(_("Enregistré. Certaines modifications attendent la validation d'un coordinateur."))
    else:
        flash(_("Enregistré."))
    return redirect(_home(result.listing))


def _home(doc: Document) -> str:
    org = doc["id"] if "referral_agreements" in doc else doc.get("organization_id")
    if current_principal().role == "provider":
        return lang_url("provider_pages.listings")
    return lang_url("provider_pages.listings", organization=org)
