"""Languages of the pages: French (the source language), English, Swahili and Lingala.

The language is chosen in the URL (``?lang=sw``) or, for a form, in its hidden ``lang`` field,
never in a cookie; anything else falls back to French. Catalogues live in
``directory/translations/<lang>/LC_MESSAGES/messages.po`` and are compiled to ``.mo`` by
``make`` (``pybabel compile``). Every machine-made translation carries a translator comment
saying so until a native speaker reviews it (a test checks this).

Need and capability labels come from ``seed_data/taxonomy.json`` in French and are translated
through the same catalogues: :func:`extract_taxonomy` is the Babel extractor that puts them in
``messages.pot`` (see ``babel.cfg``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import flask_babel
from babel import Locale
from babel.dates import get_day_names
from flask import Flask, has_request_context, request, url_for
from flask_babel import Babel, get_locale, lazy_gettext

from directory.core.taxonomy import get_taxonomy

DEFAULT_LANGUAGE = "fr"
LANGUAGES = {"fr": "Français", "en": "English", "sw": "Kiswahili", "ln": "Lingála"}
"""Page languages and their names in themselves, in the order the switcher shows them."""


def gettext(string: str, /, **variables: Any) -> str:
    """Flask-Babel's ``gettext`` (translate, then fill ``%(name)s`` from ``variables``), typed."""
    return str(flask_babel.gettext(string, **variables))


def select_language() -> str:
    """The page language: ``lang`` from the query string or the form, if it is one we have."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = request.args.get("lang") or _form_language()
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def _form_language() -> str | None:
    if request.method != "POST" or request.mimetype not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return None
    return request.form.get("lang")


def current_language() -> str:
    """The language code of the current request (``fr`` outside a request)."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def lang_url(endpoint: str, **values: Any) -> str:
    """``url_for`` carrying the page language (left out for French, the default)."""
    language = current_language()
    if language != DEFAULT_LANGUAGE:
        values.setdefault("lang", language)
    return url_for(endpoint, **values)


def switch_url(language: str) -> str:
    """This page in another language: the same address for a GET page, else the home page.

    A results page is the answer to a POST, so its place is not in any URL to carry over.
    """
    values: dict[str, Any] = {} if language == DEFAULT_LANGUAGE else {"lang": language}
    endpoint = request.endpoint if has_request_context() else None
    if endpoint not in (None, "static") and request.method == "GET":
        return url_for(endpoint, **(request.view_args or {}), **values)
    return url_for("public.home", **values)


def need_label(code: str) -> str:
    """A need in plain words, in the page language."""
    need = get_taxonomy().needs.get(code)
    return gettext(need["fr"]) if need else code


def capability_label(code: str) -> str:
    """A capability in plain words, in the page language."""
    capability = get_taxonomy().capabilities.get(code)
    return gettext(capability["fr"]) if capability else code


LANGUAGE_NAMES = {"sw": "Kiswahili", "ln": "Lingála", "lua": "Tshiluba", "kg": "Kikongo",
                  "rw": "Kinyarwanda", "nnb": "Kinande", "shr": "Mashi", "hav": "Kihavu",
                  "hke": "Kihunde"}  # fmt: skip
"""Congo's languages by the names their speakers use, whatever the page's language."""


def language_name(code: str) -> str:
    """The name of a language (ISO 639 code): Congo's by their own names, others in the page
    language, or the code if unknown."""
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    try:
        names = Locale.parse(current_language()).languages
    except ValueError:
        return code
    return str(names.get(code, code))


KIND_WORDS = {
    "city": lazy_gettext("ville"),
    "town": lazy_gettext("petite ville"),
    "village": lazy_gettext("village"),
    "suburb": lazy_gettext("quartier"),
    "quarter": lazy_gettext("quartier"),
    "neighbourhood": lazy_gettext("quartier"),
    "hamlet": lazy_gettext("hameau"),
    "locality": lazy_gettext("lieu-dit"),
    "island": lazy_gettext("île"),
    "isolated_dwelling": lazy_gettext("habitation isolée"),
    "farm": lazy_gettext("ferme"),
    "commune": lazy_gettext("commune"),
    "site": lazy_gettext("site de déplacés"),
    "health_area": lazy_gettext("aire de santé"),
    "health_zone": lazy_gettext("zone de santé"),
}
"""Kinds of gazetteer place in words (the pages' choices, the import's candidates)."""


def kind_label(kind: str) -> str:
    """A kind of place in words ("quartier", "aire de santé")."""
    return str(KIND_WORDS.get(kind, kind))


def weekly_hours(schedule: dict[str, Any]) -> list[str]:
    """Opening hours as lines such as "lundi – vendredi : 08:00–16:00" (local time)."""
    if schedule["always_open"]:
        return [gettext("Ouvert 24 h/24, 7 j/7")]
    days = get_day_names("wide", locale=current_language())
    by_day: dict[int, list[str]] = {}
    for h in sorted(schedule["hours"], key=lambda h: (h["weekday"], h["opens"])):
        by_day.setdefault(h["weekday"], []).append(f"{h['opens']}–{h['closes']}")
    runs: list[tuple[int, int, str]] = []
    for day in sorted(by_day):
        text = ", ".join(by_day[day])
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == text:
            runs[-1] = (runs[-1][0], day, text)
        else:
            runs.append((day, day, text))
    return [
        gettext("%(days)s : %(hours)s", days=days[a] + (" – " + days[b] if b != a else ""),
                hours=text)
        for a, b, text in runs
    ]  # fmt: skip


def _template_globals() -> dict[str, Any]:
    return {
        "lang": current_language(),
        "languages": LANGUAGES,
        "lang_url": lang_url,
        "switch_url": switch_url,
        "need_label": need_label,
        "capability_label": capability_label,
        "language_label": language_name,
    }


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with French as the default and the URL-chosen language."""
    Babel(app, locale_selector=select_language)
    app.context_processor(_template_globals)


def extract_taxonomy(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for ``taxonomy.json``: every French need and capability label."""
    data = json.load(fileobj)
    for group in ("needs", "capabilities"):
        for item in data[group]:
            yield 1, "gettext", item["fr"], [f"taxonomy {group}: {item['code']}"]
