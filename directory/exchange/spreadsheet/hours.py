"""Opening hours as people write them in sheets, read into a Njia schedule.

The text is rewritten into the OSM ``opening_hours`` syntax and parsed by
:func:`directory.core.contact_info.parse_opening_hours` (the parser of the OSM import)::

    "Lun-Ven 8h-16h"                          -> "Mo-Fr 08:00-16:00"
    "du lundi au samedi de 7h30 à 15h"        -> "Mo-Sa 07:30-15:00"
    "Lun-Ven 8h-12h et 14h-16h; Sam 8h-12h"   -> "Mo-Fr 08:00-12:00,14:00-16:00; Sa 08:00-12:00"
    "24h/24", "24h/24 7j/7", "jour et nuit"   -> "24/7"
    "Mon-Fri 8am-4pm", "tous les jours 8h-17h", "mardi et jeudi 9h-12h"

Anything not understood completely — an unknown word, hours without days ("8h-16h": every
day or working days?) — is not guessed: the text is kept as the schedule's description and
the caller reports it, so the listing says "hours: see description" rather than something
wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from directory.core.contact_info import DAYS, parse_opening_hours

# fmt: off
DAY_WORDS = {
    "lundi": 0, "lun": 0, "lu": 0, "monday": 0, "mon": 0, "mo": 0,
    "mardi": 1, "mar": 1, "ma": 1, "tuesday": 1, "tue": 1, "tu": 1,
    "mercredi": 2, "mer": 2, "me": 2, "wednesday": 2, "wed": 2, "we": 2,
    "jeudi": 3, "jeu": 3, "je": 3, "thursday": 3, "thu": 3, "th": 3,
    "vendredi": 4, "ven": 4, "ve": 4, "friday": 4, "fri": 4, "fr": 4,
    "samedi": 5, "sam": 5, "sa": 5, "saturday": 5, "sat": 5,
    "dimanche": 6, "dim": 6, "di": 6, "sunday": 6, "sun": 6, "su": 6,
}
# fmt: on
ALWAYS = re.compile(
    r"^(?:24 ?h?(?:eures)? ?(?:/|sur) ?24 ?h?|24 ?/ ?7|h ?24|jour et nuit|permanence(?: 24 ?h)?)"
    r"(?:[ ,;]*(?:et )?(?:7 ?j(?:ours)? ?(?:/|sur) ?7 ?j?|7 ?/ ?7|tous les jours))?$"
)
EVERY_DAY = re.compile(r"tous les jours|chaque jour|7 ?j ?/ ?7|7 ?/ ?7 ?j?|every ?day|daily")
_TOKEN = re.compile(
    r"(?P<time>\d{1,2}(?:[h:.]\d{2}|h| ?[ap]m)(?!\d))"
    r"|(?P<word>[a-z]+)"
    r"|(?P<range>[-–àa]|au|to|jusqu)"
    r"|(?P<sep>[;|\n])"
    r"|(?P<other>\S)"
)
FILLER = frozenset({"du", "de", "le", "les", "des", "from", "et", "and", "h", "heures", "y"})
FILLER |= {"compris", "inclus", "ouvert", "open", "horaires", "hours"}
RANGE_WORDS = frozenset({"a", "au", "to", "jusqu", "jusque", "until"})
LIST_WORDS = frozenset({"et", "and"})


@dataclass
class _Rule:
    days: list[int] = field(default_factory=list)
    spans: list[tuple[str, str]] = field(default_factory=list)
    last_part: str = ""


def read_hours(text: str) -> tuple[dict[str, Any], bool]:
    """A schedule for ``text`` and whether it was understood (False: kept as description)."""
    folded = re.sub(r"\s+", " ", _fold(text)).strip(" .")
    if not folded:
        return parse_opening_hours(""), True
    if ALWAYS.match(folded):
        return parse_opening_hours("24/7"), True
    osm = to_osm(text)
    if osm is None:
        return {"always_open": False, "hours": [], "description": text.strip()[:500]}, False
    return parse_opening_hours(osm), True


def to_osm(text: str) -> str | None:
    """The OSM ``opening_hours`` form of ``text``, or None when any part is not understood."""
    tokens = _tokens(EVERY_DAY.sub(" lun-dim ", _fold(text)))
    if tokens is None:
        return None
    rules = _rules(tokens)
    if not rules or any(not r.days or not r.spans for r in rules):
        return None
    return "; ".join(_osm_rule(r) for r in rules)


def _fold(text: str) -> str:
    """Lower case without accents or apostrophes."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("’", " ").replace("'", " ")


def _tokens(text: str) -> list[tuple[str, Any]] | None:
    """``("day", n)``, ``("time", "HH:MM")``, ``("range", None)``, ``("list", None)``,
    ``("sep", None)``; None if a word is not understood."""
    joined = re.sub(r"[ \t]+", " ", text)
    joined = re.sub(r"(\d) ?h ?(\d{2})", r"\1h\2", joined)
    joined = re.sub(r"(\d) (?=h\b)", r"\1", joined)
    joined = re.sub(r"(\d) ?: ?(\d{2})", r"\1:\2", joined)
    tokens: list[tuple[str, Any]] = []
    for match in _TOKEN.finditer(joined):
        token = _token(match.lastgroup, match.group())
        if token is False:
            return None
        if isinstance(token, tuple):
            tokens.append(token)
    return tokens


def _token(kind: str | None, value: str) -> tuple[str, Any] | bool | None:
    if kind == "time":
        time = _time(value)
        return ("time", time) if time else False
    if kind == "range" or value in RANGE_WORDS:
        return ("range", None)
    if kind == "sep":
        return ("sep", None)
    if value in DAY_WORDS:
        return ("day", DAY_WORDS[value])
    if value in LIST_WORDS or value == ",":
        return ("list", None)
    if value in FILLER or value in ":.()":
        return None
    return False


def _time(value: str) -> str | None:
    match = re.fullmatch(r"(\d{1,2})(?:[h:.](\d{2})|h|\s?([ap])m)", value)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3] == "p" and hour < 12:
        hour += 12
    if match[3] == "a" and hour == 12:
        hour = 0
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return f"{hour:02d}:{minute:02d}"


def _rules(tokens: list[tuple[str, Any]]) -> list[_Rule]:
    """Group tokens into rules: days (single, ranges, lists) and time spans, in either order.

    Days continue a rule whose last part was days; time spans continue one whose last part
    was spans; otherwise a part that the rule already has starts a new rule.
    """
    rules: list[_Rule] = []
    rule = _Rule()
    i = 0
    while i < len(tokens):
        kind = tokens[i][0]
        if kind == "sep":
            rules, rule = _close(rules, rule), _Rule()
        elif kind in ("day", "time"):
            part, i = _part(tokens, i)
            if part is None:
                return []
            name = "days" if kind == "day" else "spans"
            if rule.last_part != name and getattr(rule, name):
                rules, rule = _close(rules, rule), _Rule()
            getattr(rule, name).extend(part)
            rule.last_part = name
        elif kind == "range":
            return []
        i += 1
    return _close(rules, rule)


def _part(tokens: list[tuple[str, Any]], i: int) -> tuple[list[Any] | None, int]:
    """The days or the time span starting at token ``i``, and the index of its last token."""
    kind, value = tokens[i]
    ranged = i + 2 < len(tokens) and tokens[i + 1][0] == "range" and tokens[i + 2][0] == kind
    if kind == "day":
        return (_day_range(value, tokens[i + 2][1]), i + 2) if ranged else ([value], i)
    return ([(value, tokens[i + 2][1])], i + 2) if ranged else (None, i)


def _close(rules: list[_Rule], rule: _Rule) -> list[_Rule]:
    if rule.days or rule.spans:
        rules.append(rule)
    return rules


def _day_range(first: int, last: int) -> list[int]:
    return list(range(first, last + 1)) if first <= last else [*range(first, 7), *range(last + 1)]


def _osm_rule(rule: _Rule) -> str:
    days = ",".join(DAYS[d] for d in dict.fromkeys(rule.days))
    spans = ",".join(f"{a}-{'24:00' if b == '00:00' else b}" for a, b in rule.spans)
    return f"{days} {spans}"
