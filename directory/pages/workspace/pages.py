"""The caseworker's search and a provider's full listing (``/workspace``, French for now).

``GET /workspace`` is the form; ``POST /workspace`` answers it with the full matcher for the
staff audience (restricted addresses shown): the urgent medical option first when a clinical
window is open, every need's list with reasons and warnings in words, the care plan, and a map
of it all. The place or point travels in the POST body only, is rounded like the public page's,
is drawn on this one response and is never stored or logged. ``GET /workspace/services/<id>``
shows a service's full listing with its organization's referral partners.

Every answer here is ``Cache-Control: no-store``. Open to caseworkers, coordinators and admins.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request

from directory.core.taxonomy import get_taxonomy
from directory.core.visibility import present
from directory.pages import search, wording
from directory.pages.search import FormError
from directory.pages.workspace import compare, svgmap
from directory.pages.workspace import form as staff_form
from directory.search import engine
from directory.search.index import index_for
from directory.store import get_store
from directory.store.base import Document, ListQuery, Store
from directory.web import i18n
from directory.web.auth import access, current_principal
from directory.web.i18n import gettext, need_label

blp = Blueprint("workspace", __name__, url_prefix="/workspace")


@blp.app_context_processor
def _workspace_globals() -> dict[str, Any]:
    return {
        "staff_choices": staff_form,
        "stop_notes": stop_notes,
        "accessibility_codes": sorted(get_taxonomy().accessibility),
    }


@blp.route("", methods=["GET", "POST"], endpoint="search")
@access("caseworker")
def search_page() -> str | tuple[str, int]:
    """The search form (GET) and its answer (POST)."""
    if request.method == "GET":
        return render_template("workspace_search.html", form=staff_form.StaffForm())
    form = staff_form.StaffForm.read(request.form)
    try:
        if form.problems:
            raise form.problems[0]
        where = search.resolve(form.base)
        store = get_store()
        answer = engine.run_match(
            store, where.point, form.options(), "staff", current_principal().is_staff,
            index_for(store, current_app.config["MATCH_INDEX_MIN_SERVICES"]),
        )  # fmt: skip
    except FormError as error:
        return render_template("workspace_search.html", form=form, error=error), 422
    base = search.shown_form(form.base, where)
    if not where.place_id and not where.from_device:  # typed coordinates: shown rounded
        base = replace(base, place=f"{where.point.lat:.2f}, {where.point.lon:.2f}")
    shown = replace(form, base=base)
    return render_template("workspace_results.html", form=shown, where=where,
                           **results_view(answer, where))  # fmt: skip


def results_view(answer: dict[str, Any], where: search.Where) -> dict[str, Any]:
    """What the results page shows: needs (urgent first), numbered places and the map."""
    needs = sorted(answer["needs"], key=lambda n: not n["urgent"])
    numbers: dict[str, int] = {}
    markers: list[svgmap.Marker] = []
    stops = {s["location"]["id"] for s in answer["care_plan"] if s["location"]}
    listed = [r for n in needs for r in [*n["results"], n["opens_soonest"]] if r]
    for rec in [*listed, *answer["care_plan"]]:
        location = rec["location"]
        if location is None or location["latitude"] is None or location["id"] in numbers:
            continue
        numbers[location["id"]] = len(numbers) + 1
        kind = "stop" if location["id"] in stops else "result"
        number, name = numbers[location["id"]], rec["service"]["name"]
        lat, lon = location["latitude"], location["longitude"]
        markers.append(svgmap.Marker(number, lat, lon, name, kind))
    urgent = next((n for n in needs if n["urgent"]), None)
    first = None
    if urgent is not None:
        first = urgent["results"][0] if urgent["results"] else urgent["opens_soonest"]
    tile_url = current_app.config.get("MAP_TILE_URL")
    point = (where.point.lat, where.point.lon)
    partners = _partners()
    comparisons = {n["need"]: compare.rows(n["need"], n["results"], partners)
                   for n in needs if len(n["results"]) >= 2}  # fmt: skip
    return {
        "comparisons": comparisons,
        "needs": needs,
        "urgent": urgent,
        "urgent_first": first,
        "care_plan": answer["care_plan"],
        "hotlines": answer["hotlines"],
        "uncovered": answer["uncovered"],
        "numbers": numbers,
        "map": svgmap.draw(markers, point, tile_url),
    }


def _partners() -> set[str]:
    """The organizations the caller's organization has referral agreements with."""
    own = current_principal().organization_id
    org = get_store().get("organization", own) if own else None
    return {a["organization_id"] for a in (org or {}).get("referral_agreements", [])}


def stop_notes(stop: dict[str, Any]) -> list[str]:
    """A care-plan stop's reasons in words."""
    texts = []
    for note in stop["stop_reasons"]:
        params = note["params"]
        if note["code"] == "covers":
            needs = ", ".join(need_label(n) for n in params["needs"].split(",") if n)
            texts.append(gettext("Pour : %(needs)s.", needs=needs))
        elif note["code"] == "urgent_first":
            texts.append(gettext("Urgent : à faire en premier (%(need)s).",
                                 need=need_label(params["need"])))  # fmt: skip
        elif note["code"] == "top_ranked":
            texts.append(gettext("Premier choix pour : %(need)s.", need=need_label(params["need"])))
        elif note["code"] == "referral_partner":
            texts.append(gettext("Accord d'orientation avec %(name)s.",
                                 name=params["organization_name"]))  # fmt: skip
        else:
            text = wording.note_text(note)
            if text:
                texts.append(text)
    return list(dict.fromkeys(texts))


@blp.get("/services/<uuid:service_id>")
@access("caseworker")
def listing(service_id: uuid.UUID) -> str:
    """A service's full listing: hours, capabilities, capacity, contacts, languages, places,
    freshness, and the organizations its provider refers to."""
    store, principal = get_store(), current_principal()
    doc = store.get("service", str(service_id))
    if doc is None:
        abort(404)
    shown = present(store, principal, "service", doc)
    assert shown is not None
    organization = store.get("organization", doc["organization_id"]) or {}
    places = []
    for location_id in shown["location_ids"]:
        stored = store.get("location", location_id)
        location = present(store, principal, "location", stored) if stored else None
        if location is not None:
            places.append({"location": location, "directions": wording.directions(location)})
    return render_template(
        "workspace_listing.html",
        service=shown,
        organization=organization,
        places=places,
        front_door_only=len(shown["location_ids"]) < len(doc["location_ids"]),
        phones=wording.phone_links(shown["phones"], organization.get("phones", [])),
        hours=i18n.weekly_hours(shown["schedule"]),
        partners=partners(store, organization),
    )


def partners(store: Store, organization: Document) -> list[dict[str, Any]]:
    """The organizations this one refers to (its referral agreements), with their services."""
    found = []
    for agreement in organization.get("referral_agreements", []):
        other = store.get("organization", agreement["organization_id"])
        if other is None or other.get("status", "active") != "active":
            continue
        services = store.page("service", ListQuery(organization_id=other["id"], limit=20)).items
        found.append({"organization": other, "since": agreement.get("since"),
                      "note": agreement.get("note", ""),
                      "services": [s for s in services if s["status"] == "active"]})  # fmt: skip
    return found
