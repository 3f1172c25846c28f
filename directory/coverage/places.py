"""The places coverage is measured from: every gazetteer place, classed and put in a territory.

The gazetteer knows the province of every place but the territory (OCHA ADM2) only of the 173
towns that are a territory's seat or a city of their own: no ADM2 polygons are available (see
``seed_data/gazetteer/LICENCES.md``). Coverage therefore puts every place, and every service
location that does not state its ``adm2_pcode``, in the territory whose seat is nearest within
the same province. That is an approximation (a Voronoi split of each province around the
seats) and is labelled as one wherever territories are shown; 16 territories with no known
seat receive no place.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from directory.core.taxonomy import get_taxonomy
from directory.places.gazetteer import Gazetteer, get_gazetteer
from matching.geo import distance_km

PLACE_CLASSES = ("city", "town", "village")
"""Population classes: ``city`` (100,000 people or more, and the quarters of cities), ``town``
(10,000 or more) and ``village`` (every smaller settlement: villages, hamlets, localities)."""
URBAN_PARTS = frozenset({"suburb", "quarter", "neighbourhood"})


def place_class(kind: str) -> str:
    """The population class of a gazetteer place kind (see :data:`PLACE_CLASSES`)."""
    if kind == "city" or kind in URBAN_PARTS:
        return "city"
    return "town" if kind == "town" else "village"


@dataclass(frozen=True, slots=True)
class CoveragePlace:
    """A gazetteer place as coverage sees it. ``territory_pcode`` is approximate (see above)
    and None only in a province with no known territory seat."""

    place_id: str
    name: str
    kind: str
    place_class: str
    province_pcode: str
    territory_pcode: str | None
    lat: float
    lon: float


class TerritoryLocator:
    """Puts a point of a province in the territory whose seat is nearest (within the province)."""

    def __init__(self, seats: Iterable[tuple[str, str, float, float]]) -> None:
        """``seats`` yields (province P-code, territory P-code, latitude, longitude)."""
        self._seats: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
        for province, territory, lat, lon in seats:
            self._seats[province].append((territory, lat, lon))

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> TerritoryLocator:
        """Seats are the places the gazetteer gives a territory to."""
        return cls(
            (p.province_pcode, p.territory_pcode, p.lat, p.lon)
            for p in gazetteer
            if p.territory_pcode
        )

    def territory(self, province: str, lat: float, lon: float) -> str | None:
        """The territory P-code of the nearest seat of ``province``, or None if it has none."""
        seats = self._seats.get(province)
        if not seats:
            return None
        return min(seats, key=lambda s: (distance_km(lat, lon, s[1], s[2]), s[0]))[0]

    def of_location(self, location: Mapping[str, Any]) -> str | None:
        """A location's stated ``adm2_pcode``, else the approximate territory of its point."""
        if location.get("adm2_pcode"):
            return str(location["adm2_pcode"])
        return self.territory(location["adm1_pcode"], location["latitude"], location["longitude"])


@functools.cache
def territory_locator() -> TerritoryLocator:
    """The locator built from the shipped gazetteer (once per process)."""
    return TerritoryLocator.from_gazetteer(get_gazetteer())


@functools.cache
def coverage_places() -> tuple[CoveragePlace, ...]:
    """Every settlement of the shipped gazetteer at a surveyed point, in its file order (once per
    process): health areas, hand-written quarters and sites (``approximate``) are names for
    searching, not settlements to count."""
    locator = territory_locator()
    return tuple(
        CoveragePlace(
            place_id=p.place_id,
            name=p.name,
            kind=p.kind,
            place_class=place_class(p.kind),
            province_pcode=p.province_pcode,
            territory_pcode=p.territory_pcode or locator.territory(p.province_pcode, p.lat, p.lon),
            lat=p.lat,
            lon=p.lon,
        )
        for p in get_gazetteer()
        if not p.approximate
    )


def area_name(pcode: str | None) -> str:
    """The name of a province or territory P-code ("" for None, the code itself if unknown)."""
    if pcode is None:
        return ""
    area = get_taxonomy().areas.get(pcode)
    return area.name if area else pcode


def territories_of(province: str) -> list[str]:
    """The territory P-codes of a province, in P-code order."""
    return sorted(
        a.pcode
        for a in get_taxonomy().areas.values()
        if a.level == 2 and a.parent_pcode == province
    )


def provinces() -> list[str]:
    """The 26 province P-codes, in P-code order."""
    return sorted(a.pcode for a in get_taxonomy().areas.values() if a.level == 1)
