"""Where a sheet's row is: coordinates if the sheet has them, else its place name looked up in
the offline gazetteer, within the row's province when the sheet names one.

Sheets name places, not points. The rules, in order:

1. Latitude and longitude, when both are given, are used as they are (they must fall inside
   the DRC; swapped values are recognised and reported). The province is the nearest place's.
2. Otherwise the place is the first of: the place column, the health zone, the territory
   (whose seat town stands for it). The row's province, if given, must be one of the 26.
3. The text is resolved by :meth:`directory.places.gazetteer.Gazetteer.resolve` within the row's
   province: an exact name, alias or spelling variant (tsh/tch/ch, ou/u, ...) of one place is
   *sure* (towns and cities outrank villages; places under 3 km apart are one). Sure: located.
   Several sure places: the one in the row's territory, else **ambiguous**, the candidates are
   offered for a choice.
4. Only near matches (typos, prefixes): **to confirm** with the candidates, even when there is
   a single one ("Rutshru" is offered as Rutshuru, never taken for it). None: **unknown**.

A row whose place is ambiguous, to confirm or unknown cannot be imported until a candidate is
chosen, the sheet is corrected, or the row is excluded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from directory.core.schemas import TAXONOMY
from directory.places.gazetteer import get_gazetteer
from directory.places.geo_parse import parse_coordinates
from directory.places.model import TOWN_KINDS, Place
from directory.places.names import normalise, spelling_key
from directory.web.i18n import gettext as _
from directory.web.i18n import kind_label

CANDIDATES = 6


@dataclass(frozen=True)
class Located:
    """A point for the row, its province (and territory if known), and how it was found."""

    lat: float
    lon: float
    adm1: str
    label: str
    adm2: str | None = None
    place_id: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Flagged:
    """The place could not be settled: ``reason`` is ``ambiguous``, ``confirm`` or ``unknown``."""

    reason: str
    query: str
    candidates: tuple[tuple[str, str], ...] = ()
    """(place id, label with province) to choose from."""


@dataclass(frozen=True)
class Where:
    """The place columns of one row, as text."""

    place: str = ""
    health_zone: str = ""
    territory: str = ""
    province: str = ""
    latitude: str = ""
    longitude: str = ""


class PlaceProblem(ValueError):
    """A place column holds something unusable; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def province_pcode(text: str) -> str | None:
    """The P-code of a province named in ``text`` ("Nord-Kivu", "nord kivu", "CD61")."""
    key = spelling_key(normalise(text))
    for pcode, area in TAXONOMY.areas.items():
        if area.level == 1 and (pcode.casefold() == text.strip().casefold()
                                or spelling_key(normalise(area.name)) == key):  # fmt: skip
            return pcode
    return None


def territory_pcode(text: str, province: str | None) -> str | None:
    """The P-code of a territory or city named in ``text``, within ``province`` if given."""
    key = spelling_key(normalise(text))
    for pcode, area in TAXONOMY.areas.items():
        named = area.level == 2 and spelling_key(normalise(area.name)) == key
        if named and (province is None or area.parent_pcode == province):
            return pcode
    return None


def place_key(where: Where) -> str:
    """What a choice among namesakes is remembered by: the place text and the province."""
    text = where.place or where.health_zone or where.territory
    return f"{normalise(text)}|{normalise(where.province)}"


def locate(where: Where, chosen: str | None = None) -> Located | Flagged:
    """Where the row is (see the module docstring); raises :class:`PlaceProblem`."""
    province = _province(where.province)
    territory = territory_pcode(where.territory, province) if where.territory else None
    if where.latitude or where.longitude:
        return _at_point(where, province, territory)
    query, field = _query(where)
    if chosen:
        place = get_gazetteer().get(chosen)
        if place is None:
            raise PlaceProblem(field, _("Lieu choisi inconnu : %(id)s.", id=chosen))
        return _located(place, territory, None)
    found = _by_name(query, province, territory)
    if isinstance(found, Flagged) and found.reason == "unknown":
        return _wider(where, field, province, territory) or found
    return found


def _wider(where: Where, field: str, province: str | None, territory: str | None) -> Located | None:
    """For a locality the gazetteer lacks, the place of its health zone, else of its
    territory (named in the row), said to be approximate; None if neither is known."""
    for wider in ("health_zone", "territory"):
        text = getattr(where, wider)
        if not text or wider == field:
            continue
        found = _by_name(text, province, territory)
        if isinstance(found, Located):
            note = _("« %(place)s » n'est pas dans le répertoire des lieux : la position est "
                     "celle de %(wider)s, approximative.", place=getattr(where, field),
                     wider=found.label)  # fmt: skip
            return replace(found, note=note)
    return None


def _province(text: str) -> str | None:
    if not text:
        return None
    pcode = province_pcode(text)
    if pcode is None:
        raise PlaceProblem("province", _("Province inconnue : « %(text)s ».", text=text))
    return pcode


def _query(where: Where) -> tuple[str, str]:
    for field in ("place", "health_zone", "territory"):
        text = getattr(where, field)
        if text:
            return text, field
    raise PlaceProblem("place", _("Aucun lieu : indiquez une localité ou des coordonnées."))


def _at_point(where: Where, province: str | None, territory: str | None) -> Located:
    if not (where.latitude and where.longitude):
        field = "longitude" if where.latitude else "latitude"
        raise PlaceProblem(field, _("Il faut la latitude et la longitude, ou aucune des deux."))
    try:
        lat, lon = parse_coordinates(f"{where.latitude} ; {where.longitude}")
    except ValueError as exc:
        raise PlaceProblem("latitude", _("Coordonnées illisibles : %(why)s.", why=exc)) from exc
    gazetteer = get_gazetteer()
    if not gazetteer.in_drc(lat, lon):
        if -90 <= lon <= 90 and gazetteer.in_drc(lon, lat):
            raise PlaceProblem("latitude", _("Latitude et longitude inversées ?"))
        raise PlaceProblem("latitude", _("Ce point est hors de la RDC."))
    near = gazetteer.nearest(lat, lon)
    assert near is not None  # inside the DRC there is always a nearest place
    found = near[0].province_pcode
    note = None
    if province and province != found:
        note = _("Les coordonnées tombent en %(found)s, pas dans la province indiquée.",
                 found=TAXONOMY.areas[found].name)  # fmt: skip
    label = where.place or near[0].label
    adm2 = territory if territory and TAXONOMY.province_of(territory) == found else None
    return Located(round(lat, 6), round(lon, 6), found, label, adm2, None, note)


def _by_name(query: str, province: str | None, territory: str | None) -> Located | Flagged:
    try:
        found = get_gazetteer().resolve(query, province)
    except ValueError:
        return Flagged("unknown", query)
    if found.place is not None:
        return _located(found.place, territory, None)
    sure = [m.place for m in found.choices if m.sure]
    if sure:
        in_territory = [p for p in sure if territory and p.territory_pcode == territory]
        if len(in_territory) == 1:
            return _located(in_territory[0], territory, None)
        return Flagged("ambiguous", query, _candidates(sure))
    near = [m.place for m in found.choices if m.level != "context"]
    if near:
        return Flagged("confirm", query, _candidates(near))
    return Flagged("unknown", query)


def _located(place: Place, territory: str | None, note: str | None) -> Located:
    adm2 = place.territory_pcode
    if territory and TAXONOMY.province_of(territory) == place.province_pcode:
        adm2 = territory
    return Located(place.lat, place.lon, place.province_pcode, place.label, adm2, place.place_id,
                   note)  # fmt: skip


def _candidates(places: list[Place]) -> tuple[tuple[str, str], ...]:
    return tuple((p.place_id, candidate_label(p)) for p in places[:CANDIDATES])


def candidate_label(place: Place) -> str:
    """ "Katale (village, Nord-Kivu, à 24 km de Masisi)": enough to tell namesakes apart."""
    near = get_gazetteer().nearest(place.lat, place.lon, kinds=TOWN_KINDS)
    if place.kind in TOWN_KINDS or near is None or near[1] < 1:
        return _("%(name)s (%(kind)s, %(province)s)", name=place.name, kind=_kind(place),
                 province=place.province_name)  # fmt: skip
    return _("%(name)s (%(kind)s, %(province)s, à %(km)s km de %(town)s)", name=place.name,
             kind=_kind(place), province=place.province_name, km=round(near[1]),
             town=near[0].name)  # fmt: skip


def _kind(place: Place) -> str:
    return kind_label(place.kind)
