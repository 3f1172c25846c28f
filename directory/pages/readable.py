"""Listings' changes as coordinators read them: who (a person's name and organization, not
``user:…``), when (local time, not UTC ISO), and what (field names and values in words: needs,
capabilities, languages by name, lists as what was added and removed, a move in kilometres).
Used by the moderation queue and a listing's history page."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from directory.core import users
from directory.core.taxonomy import get_taxonomy
from directory.store.base import Document, Store
from directory.web.i18n import (
    capability_label,
    current_language,
    gettext,
    language_name,
    need_label,
    weekly_hours,
)
from matching.geo import distance_km

DEFAULT_TZ = "Africa/Kinshasa"
FIELD_LABELS = {
    "name": "Nom", "description": "Description", "status": "État", "phones": "Téléphones",
    "email": "E-mail", "website": "Site web", "needs": "Besoins", "capabilities": "Soins et moyens",
    "stock_out": "En rupture", "languages": "Langues", "schedule": "Horaires",
    "eligibility": "Qui peut venir", "location_ids": "Lieux", "service_area": "Zone couverte",
    "remote": "À distance", "alert": "Alerte", "capacity": "Capacité",
    "places_available": "Places libres", "latitude": "Latitude", "longitude": "Longitude",
    "adm1_pcode": "Province", "adm2_pcode": "Territoire", "tz": "Fuseau horaire",
    "confidentiality": "Confidentialité", "accessibility": "Accessibilité",
    "approximate": "Point approximatif", "referral_agreements": "Accords d'orientation",
    "organization_id": "Organisation", "last_verified_at": "Vérifiée le",
    "last_confirmed_at": "Confirmée le", "attributes": "Autres informations", "source": "Source",
}  # fmt: skip
"""French source strings, translated when shown (:func:`field_label`)."""
CODE_WORDS = {"needs": need_label, "capabilities": capability_label,
              "stock_out": capability_label, "languages": language_name}  # fmt: skip
STATUS_WORDS = {"active": "active", "inactive": "fermée", "defunct": "disparue"}
TIER_WORDS = {"public": "publique", "restricted": "restreinte", "confidential": "confidentielle"}


def actor_label(store: Store, actor: str) -> str:
    """Who made a change, in words: a person's name (and organization), else what it was."""
    kind, _, ident = actor.partition(":")
    if kind == "user":
        user = users.get_user(store, ident)
        if user is None:
            return gettext("un compte supprimé")
        org = store.get("organization", user.organization_id or "") or {}
        return f"{user.name} ({org['name']})" if org else user.name
    if kind == "token":
        return gettext("un script (jeton d'API)")
    if kind.startswith("import"):
        return gettext("import de données (%(what)s)", what=ident or kind)
    return actor


def local_time(iso: str | None, tz: str | None = None) -> str:
    """A stored UTC time in the listing's time zone, in words, with the zone's city."""
    if not iso:
        return "—"
    moment = datetime.fromisoformat(iso).astimezone(ZoneInfo(tz or DEFAULT_TZ))
    city = (tz or DEFAULT_TZ).rsplit("/", 1)[-1].replace("_", " ")
    words = format_datetime(moment, "d MMM y, HH:mm", locale=current_language())
    return gettext("%(when)s (heure de %(city)s)", when=words, city=city)


def listing_tz(store: Store, kind: str, doc: Document) -> str:
    """The time zone a listing's times are read in: its own, its first location's, else
    the capital's."""
    if kind == "location":
        return str(doc.get("tz") or DEFAULT_TZ)
    if kind == "service" and doc.get("location_ids"):
        first = store.get("location", doc["location_ids"][0]) or {}
        return str(first.get("tz") or DEFAULT_TZ)
    return DEFAULT_TZ


def field_label(name: str) -> str:
    return gettext(FIELD_LABELS[name]) if name in FIELD_LABELS else name


def words(store: Store, name: str, value: Any) -> str:
    """A field's value in words."""
    if value is None or value == [] or value == {}:
        return "—"
    if name in CODE_WORDS and isinstance(value, list):
        return ", ".join(CODE_WORDS[name](code) for code in value)
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if name == "status":
        return gettext(STATUS_WORDS.get(value, value))
    if name == "confidentiality":
        return gettext(TIER_WORDS.get(value, value))
    if name in ("adm1_pcode", "adm2_pcode"):
        area = get_taxonomy().areas.get(value)
        return area.name if area else str(value)
    if name == "phones":
        return ", ".join(p.get("number", "") for p in value)
    if name == "schedule":
        return " ; ".join(weekly_hours(value)) or "—"
    if name == "location_ids":
        return ", ".join((store.get("location", i) or {}).get("name", "?") for i in value)
    if name == "organization_id":
        return str((store.get("organization", value) or {}).get("name", value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def changes(store: Store, before: Document, after: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, before, after) in words for each field ``after`` changes; lists of codes say
    what is added (+) and removed (−), a moved point how far it moved."""
    shown = []
    for name in sorted(after, key=lambda n: list(FIELD_LABELS).index(n)
                       if n in FIELD_LABELS else len(FIELD_LABELS)):  # fmt: skip
        old, new = before.get(name), after[name]
        if old == new or name in ("version", "updated_at", "created_at"):
            continue
        if name in CODE_WORDS and isinstance(old, list) and isinstance(new, list):
            added = [c for c in new if c not in old]
            removed = [c for c in old if c not in new]
            delta = [f"+ {words(store, name, [c])}" for c in added]
            delta += [f"− {words(store, name, [c])}" for c in removed]
            shown.append((field_label(name), words(store, name, old), " ; ".join(delta)))
            continue
        shown.append((field_label(name), words(store, name, old), words(store, name, new)))
    moved = _moved_km(before, after)
    if moved is not None:
        shown.append((gettext("Déplacement"), "", gettext("%(km)s km", km=f"{moved:.1f}")))
    return shown


def _moved_km(before: Document, after: dict[str, Any]) -> float | None:
    if "latitude" not in after and "longitude" not in after:
        return None
    moved = {**before, **after}
    values: list[Any] = [before.get("latitude"), before.get("longitude"),
                         moved.get("latitude"), moved.get("longitude")]  # fmt: skip
    if any(v is None for v in values):
        return None
    lat1, lon1, lat2, lon2 = (float(v) for v in values)
    return distance_km(lat1, lon1, lat2, lon2)


def history_rows(store: Store, kind: str, current: Document) -> list[dict[str, Any]]:
    """A listing's history, newest first: version, who and when in words, what changed."""
    tz = listing_tz(store, kind, current)
    return [
        {"version": change.version, "by": actor_label(store, change.actor),
         "when": local_time(change.at, tz),
         "fields": changes(store, change.old or {}, change.new or {})}
        for change in reversed(store.history(kind, current["id"]))
    ]  # fmt: skip
