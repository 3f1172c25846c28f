"""Phone numbers and opening hours as the data sources give them, turned into Njia's form.

Shared by the importers that read other people's data (``seed_facilities`` for the OSM
extract, :mod:`directory.exchange.spreadsheet` for partners' spreadsheets):

- :func:`parse_phones` normalises numbers with ``phonenumbers`` (DRC by default) to the
  international format (``+243 97 000 0101``) and reports the parts it could not read.
- :func:`find_phones` finds numbers inside free text ("Mme Aline, 0990 000 111").
- :func:`parse_opening_hours` reads the simple OSM ``opening_hours`` forms into a schedule.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers

DEFAULT_REGION = "CD"
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_SEPARATORS = re.compile(r"[;,/\n|]|\s+ou\s+|\s+or\s+", re.IGNORECASE)
_RULE = re.compile(r"^(?:(?P<days>[A-Z][a-z](?:-[A-Z][a-z])?(?:,[A-Z][a-z])*)\s+)?(?P<times>.+)$")
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def _phone(number: phonenumbers.PhoneNumber, description: str = "") -> dict[str, str]:
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return {"number": formatted, "type": "voice", "description": description}


def parse_phones(
    raw: str, region: str = DEFAULT_REGION, description: str = ""
) -> tuple[list[dict[str, str]], list[str]]:
    """Valid numbers in ``raw`` (separated by ``; , / |``, new lines or "ou"), each once, in
    international format, and the parts that are not a valid number."""
    phones: list[dict[str, str]] = []
    rejected: list[str] = []
    for part in (p.strip() for p in _SEPARATORS.split(raw)):
        if not part:
            continue
        try:
            number = phonenumbers.parse(part, region)
        except phonenumbers.NumberParseException:
            rejected.append(part)
            continue
        if not phonenumbers.is_valid_number(number):
            rejected.append(part)
            continue
        phone = _phone(number, description)
        if phone["number"] not in {p["number"] for p in phones}:
            phones.append(phone)
    return phones, rejected


def find_phones(text: str, region: str = DEFAULT_REGION) -> tuple[list[dict[str, str]], str]:
    """Valid numbers found anywhere in ``text``, and the text without them (e.g. a name)."""
    phones: list[dict[str, str]] = []
    rest = text
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        phones.append(_phone(match.number))
        rest = rest.replace(match.raw_string, " ")
    rest = re.sub(r"[\s,;:/()\-–]+$|^[\s,;:/()\-–]+", "", re.sub(r"\s+", " ", rest))
    return phones, rest.strip()


def parse_opening_hours(text: str) -> dict[str, Any]:
    """Parse the simple OSM ``opening_hours`` forms found in the data into a Njia schedule.

    Handles ``24/7``, ``Mo-Fr 08:00-16:00; Sa 09:00-12:00`` and day-less ``08:30-12:30,15:30-
    20:00`` (every day). Anything else is kept, unparsed, as the schedule's description.
    """
    text = text.strip()
    if not text:
        return {"always_open": False, "hours": [], "description": ""}
    if text == "24/7":
        return {"always_open": True, "hours": [], "description": ""}
    hours = []
    for rule in (r.strip() for r in text.split(";") if r.strip()):
        parsed = _rule_hours(rule)
        if parsed is None:
            return {"always_open": False, "hours": [], "description": text[:500]}
        hours.extend(parsed)
    return {"always_open": False, "hours": hours, "description": ""}


def _rule_hours(rule: str) -> list[dict[str, Any]] | None:
    match = _RULE.match(rule)
    if match is None:
        return None
    days = _days(match["days"]) if match["days"] else list(range(7))
    spans = [_SPAN.match(s.strip()) for s in match["times"].split(",")]
    if days is None or not all(spans):
        return None
    return [
        {"weekday": d, "opens": f"{s[1]}:{s[2]}", "closes": _closing(s[3], s[4])}
        for d in days
        for s in spans
        if s is not None
    ]


def _closing(hour: str, minute: str) -> str:
    return "23:59" if hour == "24" else f"{hour}:{minute}"


def _days(spec: str) -> list[int] | None:
    days: list[int] = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            return None
        start, end = DAYS.index(first), DAYS.index(last or first)
        days.extend(range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)])
    return days
