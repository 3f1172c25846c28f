"""HSDS schedules, phones and languages → Njia fields (the fiddly conversions of an import).

Pure functions. Each returns what Njia can keep and appends to ``notes`` a short phrase for
anything it had to leave out, so an import can say exactly what was not kept.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from directory.core.taxonomy import LANGUAGE_CODE
from directory.exchange.hsds.vocab import recognise

Doc = dict[str, Any]
DAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
PHONE_FROM_HSDS = {
    "voice": "voice",
    "cell": "voice",
    "mobile": "voice",
    "text": "sms",
    "sms": "sms",
}
NJIA_PHONE_TYPES = ("voice", "sms", "whatsapp", "hotline")
_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?$")
_QUOTES = "\"'“”‘’ \t"
MAX_HOURS = 28


def field_value(obj: Doc, code: str) -> str | None:
    """The value of the ``njia-field`` attribute ``code`` on an HSDS object, or None."""
    for attr in obj.get("attributes") or []:
        term = recognise(attr)
        if term is not None and term.taxonomy == "njia-field" and term.code == code:
            return str(attr.get("value", ""))
    return None


def _minutes(text: object) -> int | None:
    match = _TIME.match(str(text or "").strip())
    if match is None:
        return None
    return (int(match.group(1)) * 60 + int(match.group(2))) % (24 * 60)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def schedule(items: list[Doc], target_offset: int | None, notes: list[str]) -> Doc:
    """A Njia ``schedule`` from HSDS ``schedules`` (weekly ``byday`` + ``opens_at``/``closes_at``).

    Times given with a ``timezone`` (UTC offset) other than ``target_offset`` (the location's)
    are moved into the location's time, shifting the weekday when they cross midnight. A week of
    00:00–23:59 every day, or Njia's ``always_open`` attribute, is ``always_open``.
    """
    always_open = False
    hours: list[Doc] = []
    descriptions: list[str] = []
    for item in items:
        text = str(item.get("description") or "").strip()
        if text and text not in descriptions:
            descriptions.append(text)
        if field_value(item, "always_open") == "true":
            always_open = True
            continue
        if item.get("opens_at") is None and item.get("byday") is None:
            continue
        opens, closes = _minutes(item.get("opens_at")), _minutes(item.get("closes_at"))
        days = [
            d.strip().upper()[-2:] for d in str(item.get("byday") or "").split(",") if d.strip()
        ]
        if (item.get("freq") or "WEEKLY") != "WEEKLY" or opens is None or closes is None:
            notes.append("schedules that are not weekly opening hours")
            continue
        if not days or any(d not in DAYS for d in days) or opens == closes:
            notes.append("schedules without valid days or with equal opening and closing times")
            continue
        if any(item.get(k) for k in ("valid_from", "valid_to", "until", "count", "byweekno")):
            notes.append("schedule validity dates and counts (weekly hours kept)")
        shift = 0
        if isinstance(item.get("timezone"), int | float) and target_offset is not None:
            shift = round((target_offset - item["timezone"]) * 60)
        for day in days:
            start = DAYS[day] * 1440 + opens + shift
            weekday, start = divmod(start % (7 * 1440), 1440)
            hours.append(
                {
                    "weekday": weekday,
                    "opens": _hhmm(start),
                    "closes": _hhmm((closes + shift) % 1440),
                }
            )
    if _covers_week(hours):
        always_open, hours = True, []
    if len(hours) > MAX_HOURS:
        notes.append(f"opening hours beyond the first {MAX_HOURS}")
        hours = hours[:MAX_HOURS]
    description = " / ".join(descriptions)
    if len(description) > 500:
        notes.append("schedule descriptions beyond 500 characters")
        description = description[:500]
    return {"always_open": always_open, "hours": hours, "description": description}


def _covers_week(hours: list[Doc]) -> bool:
    full_days = {h["weekday"] for h in hours if h["opens"] == "00:00" and h["closes"] == "23:59"}
    return len(full_days) == 7 and len(hours) == 7


def phones(items: list[Doc], notes: list[str]) -> list[Doc]:
    """Njia phones: numbers cleaned of quotes and spaces around them, types mapped."""
    out = []
    for item in items:
        number = str(item.get("number") or "").strip(_QUOTES)
        kind = field_value(item, "phone_type")
        if kind not in NJIA_PHONE_TYPES:
            kind = PHONE_FROM_HSDS.get(str(item.get("type") or "voice").strip().lower())
        if kind is None:
            notes.append(f"phones of type {item.get('type')!r} (fax, pager, ...)")
            continue
        if item.get("extension") is not None:
            notes.append("phone extensions")
        description = str(item.get("description") or "")
        if len(description) > 200:
            notes.append("phone descriptions beyond 200 characters")
            description = description[:200]
        out.append({"number": number, "type": kind, "description": description})
    return out


def languages(items: list[Doc], notes: list[str]) -> list[str]:
    """Distinct ISO 639 codes, lower-cased; languages without a valid code are not kept."""
    codes: list[str] = []
    for item in items:
        code = str(item.get("code") or "").strip().lower()
        if not re.match(LANGUAGE_CODE, code):
            notes.append("languages without an ISO 639 code")
            continue
        if code not in codes:
            codes.append(code)
    return codes


# -- single values ------------------------------------------------------------------------


class NoteSink(list[str]):
    """A list whose ``append`` counts a note (the helpers in :mod:`details` append phrases)."""

    def __init__(self, counter: Counter[str]) -> None:
        super().__init__()
        self.counter = counter

    def append(self, item: str) -> None:
        self.counter[item] += 1


def whole(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def with_scheme(url: object) -> str | None:
    text = str(url or "").strip()
    if text and "://" not in text:
        return "http://" + text
    return text or None


def alert(obj: Doc, fields: dict[str, str]) -> Doc | None:
    text = str(obj.get("alert") or "").strip()
    if not text:
        return None
    return {
        "text": text[:500],
        "blocking": fields.get("alert_blocking") == "true",
        "expires_at": fields.get("alert_expires_at") or None,
    }


def capacity(fields: dict[str, str]) -> Doc | None:
    if "capacity_available" not in fields:
        return None
    total = fields.get("capacity_total")
    return {
        "available": number(fields["capacity_available"]),
        "total": number(total) if total else None,
        "updated_at": fields.get("capacity_updated_at"),
    }


def number(text: str) -> object:
    """An integer from an attribute value, or the text itself (validation then names it)."""
    try:
        return int(text)
    except ValueError:
        return text
