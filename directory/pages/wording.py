"""The matcher's answer in plain words, in the page language.

Reasons, warnings and messages arrive as codes with string parameters (documented in
``matching/README.md``); here each becomes one translated sentence, or nothing when the page
already says it another way (open now, closed until...). Also: opening status, distance, phone
links, directions in words and weekly hours.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from directory.core.taxonomy import get_taxonomy
from directory.places.gazetteer import get_gazetteer
from directory.web.i18n import (
    capability_label,
    current_language,
    gettext,
    language_name,
    need_label,
)

PLACE_KINDS = frozenset({"city", "town", "village", "suburb", "quarter", "neighbourhood"})


def _labels(text: str, label: Callable[[str], str]) -> str:
    return ", ".join(label(code) for code in text.split(",") if code)


def _sexes(text: str) -> str:
    words = {"female": gettext("femmes"), "male": gettext("hommes"), "other": gettext("autres")}
    return ", ".join(words.get(code, code) for code in text.split(",") if code)


def _age_limits(p: dict[str, str]) -> str:
    if "min_age" in p and "max_age" in p:
        return gettext("Âges reçus : %(low)s à %(high)s ans.", low=p["min_age"], high=p["max_age"])
    if "min_age" in p:
        return gettext("À partir de %(low)s ans.", low=p["min_age"])
    return gettext("Jusqu'à %(high)s ans.", high=p.get("max_age", "?"))


_NOTES: dict[str, Callable[[dict[str, str]], str]] = {
    # reasons
    "has_capability": lambda p: gettext(
        "Propose : %(what)s.", what=_labels(p["capability"], capability_label)
    ),
    "accessible": lambda p: gettext(
        "Accessible : %(what)s.", what=_labels(p["features"], capability_label)
    ),
    "speaks_language": lambda p: gettext(
        "Parle : %(what)s.", what=_labels(p["languages"], language_name)
    ),
    "one_stop": lambda p: gettext(
        "Plusieurs besoins au même endroit : %(what)s.", what=_labels(p["needs"], need_label)
    ),
    "has_capacity": lambda p: gettext("Places libres : %(count)s.", count=p["places"]),
    "has_places": lambda p: gettext("Places libres."),
    "gbv_specialised": lambda p: gettext(
        "Spécialisé dans la prise en charge des violences sexuelles."
    ),
    "recently_verified": lambda p: gettext(
        "Informations vérifiées il y a %(days)s jours.", days=p["days"]
    ),
    # warnings
    "alert": lambda p: gettext("Avis du service : %(text)s", text=p["text"]),
    "unverified": lambda p: gettext("Informations non vérifiées : appelez avant de vous déplacer."),
    "stale_listing": lambda p: gettext(
        "Vérifié il y a %(days)s jours : appelez avant de vous déplacer.", days=p["days"]
    ),
    "capacity_unknown": lambda p: gettext("Places libres inconnues : appelez avant."),
    "treatment_out_of_stock": lambda p: gettext(
        "Pas de %(what)s ici en ce moment (rupture de stock) : les autres soins sont possibles.",
        what=capability_label(p["capability"]),
    ),
    "stock_out": lambda p: gettext(
        "En rupture de stock : %(what)s.", what=_labels(p["items"], capability_label)
    ),
    "no_common_language": lambda p: gettext(
        "Langues parlées : %(what)s.", what=_labels(p["languages"], language_name)
    ),
    "age_limits": _age_limits,
    "serves_sexes": lambda p: gettext("Reçoit seulement : %(who)s.", who=_sexes(p["sexes"])),
    "open_data_point": lambda p: gettext(
        "Lieu tiré de données ouvertes (OpenStreetMap) : aucune prise en charge des violences "
        "sexuelles connue. Appelez avant de vous déplacer."
    ),
    "no_phone": lambda p: gettext("Aucun numéro de téléphone connu."),
    "approximate_position": lambda p: gettext(
        "Position approximative (le centre du lieu nommé) : appelez pour savoir où aller."
    ),
    "location_withheld": lambda p: gettext(
        "Adresse confidentielle, pour la sécurité de tous : appelez, on vous dira où aller."
    ),
    "beyond_range": lambda p: gettext("Plus loin que %(km)s km.", km=p["max_distance_km"]),
    "beyond_window": lambda p: gettext(
        "Attention : ouvre après la fin du délai de %(hours)s heures pour : %(what)s.",
        hours=p["window_hours"],
        what=capability_label(p["capability"]),
    ),
    # messages of a need
    "urgent": lambda p: gettext(
        "Urgent : %(what)s est efficace seulement dans les %(hours)s heures après les faits. "
        "Allez-y maintenant.",
        what=capability_label(p["capability"]),
        hours=p["window_hours"],
    ),
    "no_report_needed": lambda p: gettext(
        "Vous n'avez pas besoin de porter plainte à la police pour être soigné·e."
    ),
    "urgent_none_open": lambda p: gettext(
        "Aucun lieu proche ne peut donner %(what)s en ce moment. Voyez le lieu qui ouvre le "
        "plus tôt, et appelez une ligne d'écoute.",
        what=capability_label(p["capability"]),
    ),
    "none_in_range": lambda p: gettext("Rien à moins de %(km)s km d'ici.", km=p["max_distance_km"]),
    "unmet": lambda p: gettext("Nous ne connaissons pas encore de service pour ce besoin ici."),
    "see_hotlines": lambda p: gettext(
        "Une ligne d'écoute (plus bas) peut vous orienter par téléphone."
    ),
}
"""Codes shown as a sentence (every reason, warning and need message of matching/README.md
is either here or in :data:`SAID_OTHERWISE`; a test checks it)."""
SAID_OTHERWISE = frozenset(
    {"meets_need", "open_now", "open_24_7", "closed_now", "hours_unknown", "covers_area"}
)
"""Codes the page already says another way: by the list a service is in, its opening status,
or its place in the phone-only list."""


def note_text(note: dict[str, Any]) -> str | None:
    """One reason, warning or message as a sentence, or None when the page says it otherwise."""
    render = _NOTES.get(note["code"])
    return render(note["params"]) if render else None


def note_texts(notes: Iterable[dict[str, Any]]) -> list[str]:
    """The sentences of several notes, in order, without repeats; the capabilities named by
    several ``has_capability`` reasons are said in one sentence."""
    notes = list(notes)
    named = [n["params"]["capability"] for n in notes if n["code"] == "has_capability"]
    if named:
        first = next(i for i, n in enumerate(notes) if n["code"] == "has_capability")
        joined = {"code": "has_capability", "params": {"capability": ",".join(named)}}
        notes = [joined if i == first else n for i, n in enumerate(notes)
                 if i == first or n["code"] != "has_capability"]  # fmt: skip
    texts = (note_text(n) for n in notes)
    return list(dict.fromkeys(t for t in texts if t))


LEFT_OUT_WHY: dict[str, Callable[[], str]] = {
    "sex": lambda: gettext("réservé à d'autres personnes (femmes ou hommes)"),
    "age": lambda: gettext("limite d'âge"),
    "closed": lambda: gettext("fermé en ce moment"),
    "no_capacity": lambda: gettext("complet"),
    "blocked": lambda: gettext("arrêté pour le moment (avis du service)"),
    "inactive": lambda: gettext("ne fonctionne plus"),
    "accessibility": lambda: gettext("pas accessible comme demandé"),
    "no_capability": lambda: gettext("ne donne pas ce traitement"),
}


def left_out_lines(need: dict[str, Any]) -> list[str]:
    """What a rule left out nearby, one line per rule: "Left out nearby: 1 — women only."
    Staff also read the nearest one's name and distance; the public never does."""
    lines = []
    for item in need.get("left_out", []):
        rule = item["rule"]
        why = LEFT_OUT_WHY[rule]() if rule in LEFT_OUT_WHY else rule
        line = gettext("Laissés de côté près d'ici : %(count)s — %(why)s.",
                       count=item["count"], why=why)  # fmt: skip
        nearest = item.get("nearest")
        if nearest:
            km = format_decimal(nearest["distance_km"], format="#,##0.#",
                                locale=current_language())  # fmt: skip
            line += " " + gettext("Le plus proche : %(name)s, à %(km)s km.",
                                  name=nearest["service"]["name"], km=km)  # fmt: skip
        lines.append(line)
    return lines


def need_messages(need: dict[str, Any]) -> list[str]:
    """A need's messages (the matcher says "nothing in range" only when no front door
    answers by phone either)."""
    return note_texts(need["messages"])


def opening(rec: dict[str, Any]) -> tuple[str, str] | None:
    """Opening status as (css class, sentence), or None for services reached by phone."""
    if rec["location"] is None:
        return None
    schedule = rec["service"]["schedule"]
    if schedule["always_open"]:
        return "open", gettext("Ouvert 24 h/24, 7 j/7")
    if rec["open_now"]:
        return "open", gettext("Ouvert maintenant")
    if rec["next_open"]:
        return "closed", gettext("Fermé. Ouvre %(when)s.", when=when(rec["next_open"]))
    return "unknown", gettext("Horaires inconnus : appelez avant de vous déplacer.")


def when(iso: str) -> str:
    """An instant in its own zone as "lundi à 08:00" (the place's local time)."""
    moment = datetime.fromisoformat(iso)
    day = format_datetime(moment, "EEEE", tzinfo=moment.tzinfo, locale=current_language())
    time = format_datetime(moment, "HH:mm", tzinfo=moment.tzinfo, locale=current_language())
    return gettext("%(day)s à %(time)s", day=day, time=time)


def distance(rec: dict[str, Any]) -> str | None:
    """ "1,2 km · about 5 min by moto-taxi", or None without a distance. A point taken from a
    place name is said as "in Goma (approximate position)", never as an exact distance."""
    if rec["distance_km"] is None:
        return None
    location = rec.get("location") or {}
    if location.get("approximate"):
        near = get_gazetteer().nearest(location["latitude"], location["longitude"], PLACE_KINDS)
        if near is None:
            return gettext("Position approximative")
        return gettext("À %(place)s (position approximative)", place=near[0].name)
    km = format_decimal(rec["distance_km"], format="#,##0.#", locale=current_language())
    minutes = rec["travel_minutes"]
    if minutes is None:
        return gettext("%(km)s km", km=km)
    if minutes < 60:
        duration = gettext("%(minutes)s min", minutes=minutes)
    else:
        duration = gettext("%(hours)s h %(minutes)02d", hours=minutes // 60, minutes=minutes % 60)
    return gettext("%(km)s km · environ %(duration)s à moto", km=km, duration=duration)


def verified(service: dict[str, Any]) -> str:
    """When the listing was last verified, in words."""
    if not service.get("last_verified_at"):
        return gettext("Jamais vérifié : appelez avant de vous déplacer.")
    day = datetime.fromisoformat(service["last_verified_at"])
    text = format_date(day, "long", locale=current_language())
    return gettext("Dernière vérification : %(date)s.", date=text)


_DIALLABLE = re.compile(r"[^0-9+]")


def phone_links(*phone_lists: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """Phones as tap-to-call links (``tel:``, ``sms:`` for SMS), first occurrence of each."""
    kinds = {
        "hotline": gettext("ligne d'urgence"),
        "whatsapp": gettext("WhatsApp"),
        "sms": gettext("SMS"),
        "voice": "",
    }
    seen: set[str] = set()
    links = []
    for phones in phone_lists:
        for phone in phones:
            digits = _DIALLABLE.sub("", phone["number"])
            if digits in seen:
                continue
            seen.add(digits)
            scheme = "sms" if phone.get("type") == "sms" else "tel"
            links.append({"href": f"{scheme}:{digits}", "number": phone["number"],
                          "kind": kinds.get(phone.get("type", "voice"), "")})  # fmt: skip
    return links


def directions(location: dict[str, Any] | None) -> list[str]:
    """How to find a place, in words: the landmark, then the nearest named place and province.

    Only for a location whose point the reader may see; confidential locations never reach here
    (they have no location in a public answer), and a restricted one has neither point nor
    landmark for the public, so only its province is said.
    """
    if location is None:
        return []
    lines = [location["description"]] if location.get("description") else []
    province = _province(location.get("adm1_pcode"))
    if location.get("latitude") is not None and location.get("longitude") is not None:
        near = get_gazetteer().nearest(location["latitude"], location["longitude"], PLACE_KINDS)
        if near is not None:
            lines.append(gettext("Près de %(place)s", place=near[0].label))
            return lines
    if province:
        lines.append(gettext("Province : %(name)s", name=province))
    return lines


def _province(pcode: str | None) -> str | None:
    area = get_taxonomy().areas.get(pcode) if pcode else None
    return area.name if area else None


def offers(service: dict[str, Any]) -> str:
    """The needs a service meets, in plain words."""
    return ", ".join(need_label(code) for code in service["needs"])


def capabilities(codes: Iterable[str]) -> str:
    """Capabilities in plain words."""
    return ", ".join(capability_label(code) for code in codes)


def languages(codes: Iterable[str]) -> str:
    """Language names in the page language."""
    return ", ".join(language_name(code) for code in codes)
