"""The public lookup page: find help nearby, safely, on a cheap phone and a poor connection.

``GET /`` shows the form; ``POST /`` answers it (the place or point travels in the body, never
in a URL, and nothing about the search is logged). ``POST /suggest`` serves the place
typeahead (a POST too, so typed text stays out of access logs). ``GET /safety`` explains how to
browse safely. Every page has the quick-exit control (``base.html``), sets no cookie, loads
nothing from another origin and is answered with ``Cache-Control: no-store``
(``directory/web/security.py``).

The public audience is used whatever credentials a request carries: confidential shelters
appear only through their front door (phone), never with a place, distance or rank.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from directory.core.taxonomy import get_taxonomy
from directory.pages import search, wording
from directory.places.gazetteer import get_gazetteer
from directory.store import get_store
from directory.web.auth import access
from directory.web.limits import search_limit

blp = Blueprint("public", __name__)

SUGGESTIONS = 6


@blp.app_context_processor
def _page_globals() -> dict[str, Any]:
    return {
        "quick_exit_url": current_app.config["QUICK_EXIT_URL"],
        "words": wording,
        "need_codes": list(get_taxonomy().needs),
        "when_choices": search.WHEN_CHOICES,
        "province_choices": search.province_choices,
    }


@blp.get("/")
@access("public")
def home() -> str:
    """The search form, with the hotlines that cover the whole country."""
    return render_template(
        "home.html",
        form=search.SearchForm(),
        hotlines=search.national_hotlines(get_store()),
    )


@blp.post("/")
@access("public")
@search_limit
def results() -> tuple[str, int] | str:
    """Nearby services for the ticked needs, the hotlines and the SEA complaint channels."""
    form = search.SearchForm.read(request.form)
    store = get_store()
    try:
        where = search.resolve(form)
        answer = search.run(store, form, where)
    except search.FormError as error:
        page = render_template(
            "home.html",
            form=form,
            error=error,
            hotlines=search.national_hotlines(store),
        )
        return page, 422
    complaint = search.complaint_channels(store, where, answer)
    shown = {r["service"]["id"] for r in complaint["remote"]}
    return render_template(
        "results.html",
        form=search.shown_form(form, where),
        where=where,
        answer=answer,
        needs=[n for n in answer["needs"] if n["need"] != search.COMPLAINT],
        complaint=complaint,
        hotlines=[h for h in answer["hotlines"] if h["service"]["id"] not in shown],
    )


@blp.post("/suggest")
@access("public")
@search_limit
def suggest() -> Response:
    """Places whose names match ``q`` (form field), as ``{"items": [{"id", "label"}]}``."""
    text = request.form.get("q", "")[: search.MAX_PLACE_TEXT]
    try:
        places = get_gazetteer().search(text, SUGGESTIONS)
    except ValueError:
        places = []
    labels = search.place_labels(places)
    items = [{"id": p.place_id, "label": label} for p, label in zip(places, labels, strict=True)]
    return jsonify(items=items)


@blp.get("/safety")
@access("public")
def safety() -> str:
    """How to browse safely, and what Njia does and does not keep."""
    return render_template("safety.html")
