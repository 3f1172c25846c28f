"""HTML form fields ⇄ listing changes, for the provider and coordinator pages.

Times are read as people write them ("8h", "8 h 30", "16h30", "08:00", "midi"); languages are
ticked by name (codes of others typed); everything else is passed on as typed, never "fixed":
a bad value reaches the schema as given, and the page says what is wrong at the field, in its
language (:func:`field_messages`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import abort, request
from werkzeug.datastructures import MultiDict

from directory.store.base import Document
from directory.store.text import utc_now
from directory.web.i18n import gettext as _

DAYS = range(7)
SLOTS = range(2)
PHONE_ROWS = range(3)
COMMON_LANGUAGES = ("fr", "sw", "ln", "lua", "kg", "en", "rw", "nnb", "shr")
"""Languages offered as ticks (French, the four national languages, then English and the
most spoken others in the east); any other is typed as a code."""
TIME = re.compile(r"^(\d{1,2})\s*(?:(?:h|:|\.)\s*(\d{2})?)?\s*(?:h|heures?)?$")
TIME_WORDS = {"midi": "12:00", "minuit": "00:00", "noon": "12:00", "midnight": "00:00"}


def read_time(text: str) -> str | None:
    """``HH:MM`` for a time as people write it ("8h", "8 h 30", "16h30", "08:00", "8",
    "midi"), "24h" being the end of the day (23:59); None if it is not one."""
    folded = " ".join(text.strip().casefold().split())
    if folded in TIME_WORDS:
        return TIME_WORDS[folded]
    found = TIME.match(folded)
    if found is None:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if (hour, minute) == (24, 0):
        return "23:59"
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def form_problems(kind: str, form: Mapping[str, str]) -> dict[str, list[str]]:
    """What the form says that cannot be read, by the name of its input: times that are not
    times (the schema would only say "does not match pattern", and not where)."""
    if kind != "service":
        return {}
    problems = {}
    for day in DAYS:
        for slot in SLOTS:
            for end in ("opens", "closes"):
                name = f"hours-{day}-{slot}-{end}"
                text = form.get(name, "").strip()
                if text and read_time(text) is None:
                    problems[name] = [_("Heure non reconnue : écrivez par exemple 8h, 8h30 ou "
                                        "16:00.")]  # fmt: skip
    return problems


SCHEMA_MESSAGES = {
    "String does not match expected pattern.": "Format non reconnu.",
    "Not a valid integer.": "Écrivez un nombre entier.",
    "Not a valid number.": "Écrivez un nombre.",
    "Missing data for required field.": "Ce champ est obligatoire.",
    "Field may not be null.": "Ce champ est obligatoire.",
    "Not a valid email address.": "Adresse e-mail non valide.",
    "Not a valid URL.": "Adresse web non valide (elle commence par https://).",
    "Closing time must differ from opening time.": "L'heure de fermeture doit différer de "
                                                   "l'heure d'ouverture.",
}  # fmt: skip
"""The schema's most common refusals, in the page's words (others are shown as they are)."""


def field_messages(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The schema's errors by field path, said in the page's language where known."""
    return {path: [_(SCHEMA_MESSAGES[m]) if m in SCHEMA_MESSAGES else m for m in messages]
            for path, messages in errors.items()}  # fmt: skip


def form_version() -> int:
    """The listing version the submitted form was read at (400 if the form lacks it)."""
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        abort(400, description="The form lacks the version it was read at.")


def changes_from_form(kind: str, form: MultiDict[str, str], current: Document) -> dict[str, Any]:
    """The top-level fields the form sets for a listing of ``kind``."""
    changes: dict[str, Any] = {
        "name": form.get("name", ""),
        "description": form.get("description", ""),
    }
    if kind == "organization":
        changes.update(email=form.get("email") or None, website=form.get("website") or None,
                       phones=_phones(form))  # fmt: skip
    elif kind == "location":
        changes.update(
            latitude=_number(form.get("latitude")), longitude=_number(form.get("longitude")),
            confidentiality=form.get("confidentiality", current["confidentiality"]),
            accessibility=form.getlist("accessibility"),
        )  # fmt: skip
    else:
        changes.update(_service_changes(form, current))
    return changes


def _service_changes(form: MultiDict[str, str], current: Document) -> dict[str, Any]:
    return {
        "status": form.get("status", current["status"]),
        "needs": form.getlist("needs"),
        "capabilities": form.getlist("capabilities"),
        "stock_out": form.getlist("stock_out"),
        "languages": _languages(form),
        "phones": _phones(form),
        "schedule": {
            "always_open": form.get("always_open") == "on",
            "hours": _hours(form),
            "description": form.get("schedule_description", ""),
        },
        "eligibility": {
            "min_age": _number(form.get("min_age"), integer=True),
            "max_age": _number(form.get("max_age"), integer=True),
            "sexes": form.getlist("sexes"),
            "description": form.get("eligibility_description", ""),
        },
        "alert": _alert(form),
        "capacity": _capacity(form, current),
    }


def _number(value: str | None, integer: bool = False) -> Any:
    """A number if the text is one, else the text itself (the schema names the field)."""
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return int(text) if integer else float(text)
    except ValueError:
        return text


def _phones(form: Mapping[str, str]) -> list[dict[str, str]]:
    phones = []
    for i in PHONE_ROWS:
        number = form.get(f"phone-{i}-number", "").strip()
        if number:
            kind = form.get(f"phone-{i}-type", "voice")
            phones.append({"number": number, "type": kind, "description": ""})
    return phones


def _languages(form: MultiDict[str, str]) -> list[str]:
    """Ticked languages, then the codes typed for others, each once."""
    typed = [c.strip().lower() for c in form.get("languages_other", "").split(",") if c.strip()]
    typed += [c.strip().lower() for c in form.get("languages", "").split(",") if c.strip()]
    return list(dict.fromkeys([*form.getlist("language"), *typed]))


def _hours(form: Mapping[str, str]) -> list[dict[str, Any]]:
    hours = []
    for day in DAYS:
        for slot in SLOTS:
            opens = form.get(f"hours-{day}-{slot}-opens", "").strip()
            closes = form.get(f"hours-{day}-{slot}-closes", "").strip()
            if opens or closes:
                hours.append({"weekday": day, "opens": read_time(opens) or opens,
                              "closes": read_time(closes) or closes})  # fmt: skip
    return hours


def _alert(form: Mapping[str, str]) -> dict[str, Any] | None:
    text = form.get("alert_text", "").strip()
    if not text:
        return None
    until = form.get("alert_until", "").strip()
    return {
        "text": text,
        "blocking": form.get("alert_blocking") == "on",
        "expires_at": f"{until}T23:59:00+00:00" if until else None,
    }


def _capacity(form: Mapping[str, str], current: Document) -> dict[str, Any] | None:
    available = form.get("capacity_available", "").strip()
    if not available:
        return None
    before = current.get("capacity") or {}
    value = _number(available, integer=True)
    updated = before.get("updated_at") if value == before.get("available") else utc_now()
    return {"available": value, "total": _number(form.get("capacity_total"), integer=True),
            "updated_at": updated or utc_now()}  # fmt: skip


def capacity_change(current: Document, step: int) -> dict[str, Any]:
    """The change that adds ``step`` to the beds available (never below 0 or above total)."""
    capacity = current.get("capacity") or {"available": 0, "total": None}
    available = max(0, capacity["available"] + step)
    if capacity.get("total") is not None:
        available = min(available, capacity["total"])
    return {"capacity": {"available": available, "total": capacity.get("total"),
                         "updated_at": utc_now()}}  # fmt: skip


def hours_by_slot(doc: Document) -> dict[tuple[int, int], dict[str, str]]:
    """The service's opening hours keyed by (weekday, slot), for pre-filling the form."""
    slots: dict[tuple[int, int], dict[str, str]] = {}
    for interval in (doc.get("schedule") or {}).get("hours", []):
        day = interval["weekday"]
        slot = 0 if (day, 0) not in slots else 1
        slots.setdefault((day, slot), interval)
    return slots
