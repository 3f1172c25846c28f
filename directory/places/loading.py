"""Reading the gazetteer's seed files into places: the surveyed places (OSM and GeoNames), the
health areas and zones that healthsites.io facilities name, and the hand-written quarters,
communes and sites (``seed_data/gazetteer/``, see its LICENCES.md)."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from directory.places.model import TOWN_KINDS, Place
from directory.places.names import normalise, spelling_key
from matching.geo import distance_km


def place_from_row(
    row: dict[str, str], areas: dict[str, tuple[str, int]], aliases: list[str]
) -> Place:
    alt = row["alt_names"].split("|") if row["alt_names"] else []
    territory = row["territory_pcode"] or None
    return Place(
        place_id=row["place_id"],
        name=row["name"],
        kind=row["kind"],
        province_name=areas[row["province_pcode"]][0],
        province_pcode=row["province_pcode"],
        territory_name=areas[territory][0] if territory else None,
        territory_pcode=territory,
        tz=row["tz"],
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        population=int(row["population"]) if row["population"] else None,
        alt_names=tuple(dict.fromkeys(aliases + alt)),
    )


WITHIN_KM = 15.0  # a health area belongs to the nearest city or town this near


def health_places(
    path: Path,
    areas: dict[str, tuple[str, int]],
    places: list[Place],
    aliases: dict[str, list[str]],
) -> list[Place]:
    """Health areas and zones (approximate points), each within its nearest town if close."""
    towns = [p for p in places if p.kind in TOWN_KINDS]
    found = []
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            place = place_from_row(row, areas, aliases.get(row["place_id"], []))
            near = min(towns, key=lambda t: distance_km(t.lat, t.lon, place.lat, place.lon))
            close = distance_km(near.lat, near.lon, place.lat, place.lon) <= WITHIN_KM
            found.append(replace(place, approximate=True, within=near.name if close else None))
    return found


def quarters(path: Path, places: list[Place]) -> list[Place]:
    """The hand-written quarters, communes and sites, at their city's (or ``at``) point.

    A row is skipped when a place of the same name (or spelling) already lies within 15 km of
    its city: the data has it at a better point.
    """
    by_id = {p.place_id: p for p in places}
    keys: dict[str, list[Place]] = defaultdict(list)
    for p in places:
        keys[spelling_key(normalise(p.name))].append(p)
    found = []
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            city = by_id[row["city_id"]]
            key = spelling_key(normalise(row["name"]))
            if any(distance_km(p.lat, p.lon, city.lat, city.lon) <= WITHIN_KM for p in keys[key]):
                continue
            at = by_id[row["at"]] if row["at"] else city
            alt = tuple(row["alt_names"].split("|")) if row["alt_names"] else ()
            place_id = f"q:{row['city_id']}:{normalise(row['name']).replace(' ', '-')}"
            found.append(replace(
                city, place_id=place_id, name=row["name"], kind=row["kind"], lat=at.lat,
                lon=at.lon, territory_name=None, territory_pcode=None, population=None,
                alt_names=alt, approximate=True, within=city.name,
            ))  # fmt: skip
    return found
