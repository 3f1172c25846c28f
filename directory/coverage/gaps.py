"""Coverage gaps: how far every place of the DRC is from the nearest service that counts.

For a target (a need, or 24/7 PEP) :func:`compute` measures, for each of the gazetteer's
13,960 places, the geodesic distance to the nearest counting service location (see
:mod:`~directory.coverage.supply`; confidential points are never used). From those distances:

- :meth:`CoverageReport.areas`: per province or territory (and nationally) and per population
  class, the number of places and how many lie within 10, 25, 50 and 100 km;
- :meth:`CoverageReport.territories`: per territory, how many services are there in person
  and how many reach it by area (hotlines, shelters), so the territories with no service at
  all stand out;
- :meth:`CoverageReport.beyond`: the places farther than a distance from any service.

Distances are straight lines, not roads: a lower bound of the journey. Shares count places,
not people (the gazetteer has a population for 334 places only).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from directory.coverage.places import (
    PLACE_CLASSES,
    CoveragePlace,
    area_name,
    coverage_places,
    provinces,
    territories_of,
)
from directory.coverage.snapshot import Snapshot
from directory.coverage.supply import Supply, covers, supply
from directory.places.nearest import NearestIndex

THRESHOLDS_KM = (10, 25, 50, 100)
BANDS = ("0-10", "10-25", "25-50", "50-100", "100+", "none")
"""Distance bands of the map and charts; ``none``: no service of the target anywhere."""
LEVELS = ("country", "province", "territory")
COUNTRY = "COD"


def band(km: float | None) -> int:
    """The index in :data:`BANDS` of a distance (upper bounds included: 10.0 is ``0-10``)."""
    if km is None:
        return len(BANDS) - 1
    for i, limit in enumerate(THRESHOLDS_KM):
        if km <= limit:
            return i
    return len(THRESHOLDS_KM)


@functools.lru_cache(maxsize=32)
def _nearest_km(
    points: tuple[tuple[float, float], ...], places: tuple[CoveragePlace, ...]
) -> tuple[float | None, ...]:
    index = NearestIndex(points)
    found = (index.nearest(p.lat, p.lon) for p in places)
    return tuple(None if f is None else f[0] for f in found)


def nearest_km(
    points: Sequence[tuple[float, float]], places: Sequence[CoveragePlace]
) -> tuple[float | None, ...]:
    """Distance (km) from each place to the nearest point; None for every place if no point.

    Memoised on the points, so the page, its map and its chart compute it once.
    """
    return _nearest_km(tuple(sorted(set(points))), tuple(places))


@dataclass(frozen=True)
class AreaCoverage:
    """One area and population class: places, and how many lie within each threshold."""

    level: str
    pcode: str
    province_pcode: str | None
    place_class: str
    places: int
    within: tuple[int, ...]
    """Places within each of :data:`THRESHOLDS_KM` (cumulative)."""
    unserved: int
    """Places with no counting service anywhere (only when there is none at all)."""
    median_km: float | None

    @property
    def shares(self) -> tuple[float | None, ...]:
        """``within`` as fractions of ``places`` (None for an area without places)."""
        return tuple(round(n / self.places, 4) if self.places else None for n in self.within)


@dataclass(frozen=True)
class TerritorySupply:
    """A territory: its places, services there in person, and services reaching it by area."""

    pcode: str
    province_pcode: str
    places: int
    in_person: int
    by_area: int

    @property
    def no_service(self) -> bool:
        """No counting service at all: none located there, none covering it by area."""
        return self.in_person == 0 and self.by_area == 0


@dataclass(frozen=True)
class CoverageReport:
    """The distances from every place for one target, and the tables built from them."""

    target: str
    at: datetime
    supply: Supply
    places: tuple[CoveragePlace, ...]
    distances: tuple[float | None, ...]

    def areas(self, level: str) -> list[AreaCoverage]:
        """Rows for every area of ``level`` (``country``, ``province`` or ``territory``):
        one row for all places, then one per population class that has places."""
        groups: dict[tuple[str, str], list[float | None]] = defaultdict(list)
        for place, km in zip(self.places, self.distances, strict=True):
            code = _area_of(place, level)
            if code is not None:
                groups[(code, "all")].append(km)
                groups[(code, place.place_class)].append(km)
        rows = []
        for code, parent in _areas(level):
            for klass in ("all", *PLACE_CLASSES):
                if klass == "all" or (code, klass) in groups:
                    rows.append(_row(level, code, parent, klass, groups.get((code, klass), [])))
        return rows

    def territories(self) -> list[TerritorySupply]:
        """Every territory (P-code order) with its in-person and by-area service counts."""
        places: dict[str, int] = defaultdict(int)
        for place in self.places:
            if place.territory_pcode:
                places[place.territory_pcode] += 1
        in_person: dict[str, set[str]] = defaultdict(set)
        for point in self.supply.points:
            if point.territory_pcode:
                in_person[point.territory_pcode].add(point.service_id)
        rows = []
        for code, province in _areas("territory"):
            assert province is not None
            reached = sum(covers(area, code) for area in self.supply.by_area.values())
            rows.append(
                TerritorySupply(code, province, places[code], len(in_person[code]), reached)
            )
        return rows

    def beyond(
        self, km: float, province: str | None = None
    ) -> list[tuple[CoveragePlace, float | None]]:
        """Places farther than ``km`` from every counting point (None: no point at all),
        farthest first, then by province and name; only ``province``'s if given."""
        found = [
            (place, d)
            for place, d in zip(self.places, self.distances, strict=True)
            if (d is None or d > km) and province in (None, place.province_pcode)
        ]
        found.sort(
            key=lambda x: (
                -(x[1] if x[1] is not None else float("inf")),
                x[0].province_pcode,
                x[0].name,
                x[0].place_id,
            )
        )
        return found


def compute(snapshot: Snapshot, target: str, at: datetime) -> CoverageReport:
    """Coverage of ``target`` at time ``at`` from every place of the gazetteer."""
    found = supply(snapshot, target, at)
    places = coverage_places()
    distances = nearest_km([(p.lat, p.lon) for p in found.points], places)
    return CoverageReport(target, at, found, places, distances)


def _area_of(place: CoveragePlace, level: str) -> str | None:
    if level == "country":
        return COUNTRY
    return place.province_pcode if level == "province" else place.territory_pcode


def _areas(level: str) -> list[tuple[str, str | None]]:
    """(P-code, province P-code) of every area of a level, in P-code order."""
    if level == "country":
        return [(COUNTRY, None)]
    if level == "province":
        return [(code, code) for code in provinces()]
    if level == "territory":
        return [(t, p) for p in provinces() for t in territories_of(p)]
    raise ValueError(f"unknown level {level!r}")


def _row(
    level: str, code: str, province: str | None, klass: str, kms: list[float | None]
) -> AreaCoverage:
    known = sorted(d for d in kms if d is not None)
    within = tuple(sum(1 for d in known if d <= limit) for limit in THRESHOLDS_KM)
    ordered: list[float | None] = [*known, *([None] * (len(kms) - len(known)))]
    median = ordered[(len(ordered) - 1) // 2] if ordered else None
    return AreaCoverage(
        level=level,
        pcode=code,
        province_pcode=province,
        place_class=klass,
        places=len(kms),
        within=within,
        unserved=len(kms) - len(known),
        median_km=None if median is None else round(median, 1),
    )


__all__ = [
    "BANDS",
    "THRESHOLDS_KM",
    "AreaCoverage",
    "CoverageReport",
    "area_name",
    "band",
    "compute",
]
