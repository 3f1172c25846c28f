"""Offline DRC gazetteer: place search and reverse lookup over static seed data.

The data (``seed_data/gazetteer/``, see its LICENCES.md) is about 14,000 named places from
OpenStreetMap (2019) merged with GeoNames towns, the health areas and zones that healthsites.io
facilities name, a hand-written table of city quarters, communes and displacement sites, the OCHA
P-codes of the 26 provinces and 189 territories and cities, a small alias table, and the DRC
border. Nothing here touches the network, Flask or a database; a :class:`Gazetteer` is immutable
once loaded and safe to share across threads.

Search is case- and accent-insensitive, matches prefixes, French/Bantu spelling variants
("Kitchanga"/"Kitshanga", "Bukavou"/"Bukavu") and typos, and ranks by match quality, then
importance (kind, then population); each result says how it matched (:class:`Match`).
:meth:`Gazetteer.resolve` decides whether typed text names one place surely enough to search from
it without asking (see its docstring). Reverse lookup finds the nearest named place by the
shared k-d tree (:mod:`directory.places.nearest`), by ellipsoidal distance.
"""

from __future__ import annotations

import csv
import functools
import gzip
import heapq
import io
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path

import seed_data
from directory.places.geo_parse import DrcOutline, parse_coordinates
from directory.places.loading import health_places, place_from_row, quarters
from directory.places.model import (
    CITY_PART_KINDS,
    KINDS,
    TOWN_KINDS,
    Context,
    Match,
    Place,
    Resolution,
)
from directory.places.names import (
    EXACT,
    FUZZY,
    LEVELS,
    NameIndex,
    normalise,
    spelling_key,
)
from directory.places.nearest import NearestIndex
from matching.geo import distance_km

__all__ = ["Gazetteer", "get_gazetteer", "parse_coordinates"]

SEED_DIR = Path(seed_data.__file__).resolve().parent / "gazetteer"
MAX_QUERY_LENGTH = 100
MAX_LIMIT = 50
SAME_PLACE_KM = (
    3.0  # two sure matches nearer than this are one place (OSM and GeoNames both list it)
)
CONTEXT_KM = 25.0  # "Ndosho, Goma": places this near Goma, or recorded as in it
#: Words people add around a place name ("quartier Himbi", "camp de Bulengo", "Q. Katindo").
QUALIFIERS = {"quartier", "qtier", "qrt", "q", "commune", "com", "cellule", "site", "sites", "camp"}
QUALIFIERS |= {"ville", "cite", "village", "localite", "aire", "sante", "as", "zone", "zs", "de"}
QUALIFIERS |= {"du", "des", "d", "la", "le", "les", "l", "deplaces", "idp", "mji", "kijiji"}
QUALIFIERS |= {"mboka", "kartie", "katika", "na", "ya", "a", "in", "near", "pres"}


class Gazetteer:
    """Places of the DRC with search, lookup by id and reverse lookup. Build with :meth:`load`."""

    def __init__(
        self, places: list[Place], areas: dict[str, tuple[str, int]], outline: DrcOutline
    ) -> None:
        """``areas`` maps P-code to (name, admin level)."""
        self._places = places
        self._by_id = {p.place_id: i for i, p in enumerate(places)}
        self._areas = areas
        self._outline = outline
        order = sorted(range(len(places)), key=lambda i: _importance(places[i]))
        self._rank = [0] * len(places)
        for position, i in enumerate(order):
            self._rank[i] = position
        names = ((i, n, k == 0) for i, p in enumerate(places) for k, n in enumerate(_names(p)))
        self._names = NameIndex(names)
        # Reverse lookup describes a point by surveyed places only: a quarter standing at its
        # city's centre must not name the centre. One index per set of kinds asked for.
        self._indexes: dict[frozenset[str] | None, tuple[list[int], NearestIndex]] = {}
        self._index_lock = threading.Lock()

    @classmethod
    def load(cls, directory: Path) -> Gazetteer:
        """Read ``admin_areas.csv``, ``places.csv.gz``, ``health_places.csv``, ``quarters.csv``,
        ``aliases.csv`` and the outline (LICENCES.md in that folder describes each)."""
        with open(directory / "admin_areas.csv", encoding="utf-8") as f:
            areas = {r["pcode"]: (r["name"], int(r["admin_level"])) for r in csv.DictReader(f)}
        aliases: dict[str, list[str]] = defaultdict(list)
        with open(directory / "aliases.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                aliases[row["place_id"]].append(row["alias"])
        with gzip.open(directory / "places.csv.gz", "rb") as raw:
            rows = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
        places = [place_from_row(r, areas, aliases.get(r["place_id"], [])) for r in rows]
        places += health_places(directory / "health_places.csv", areas, places, aliases)
        places += quarters(directory / "quarters.csv", places)
        unknown = set(aliases) - {p.place_id for p in places}
        if unknown:
            raise ValueError(f"aliases.csv names unknown place ids: {sorted(unknown)}")
        return cls(places, areas, DrcOutline.load(directory / "drc_outline.geojson.gz"))

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        """Every place, in the order of the data file (by province, then name)."""
        return iter(self._places)

    def search(self, q: str, limit: int = 10) -> list[Place]:
        """Places matching ``q``, best first (quality, then city > town > village, population).

        Raises ValueError when ``q`` is empty, has no letter or digit or exceeds 100 characters,
        or when ``limit`` is not within 1..50.
        """
        return [m.place for m in self.matches(q, limit)]

    def matches(self, q: str, limit: int = 10) -> list[Match]:
        """The places of :meth:`search`, each with how it matched; raises like it."""
        nq = _query(q)
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be within 1..{MAX_LIMIT}")
        best: dict[int, int] = {}
        tier = EXACT
        for quality, i in self._names.matches(nq):
            if quality < tier:
                if len(best) >= limit:
                    break  # later tiers cannot outrank what is already found
                tier = quality
            if quality > best.get(i, 0):
                best[i] = quality
        top = heapq.nsmallest(limit, best, key=lambda i: (-best[i], self._rank[i]))
        return [_match(self._places[i], best[i]) for i in top]

    def resolve(self, text: str, province: str | None = None) -> Resolution:
        """The place ``text`` names, if sure; raises ValueError like :meth:`search`.

        Sure means: an exact name, alias or spelling variant (never a prefix or a typo), and one
        place once places under 3 km apart are taken as one and cities and towns outrank
        namesake villages ("Goma" is the city, not the Kwango village) but not the quarters,
        communes, sites and health areas of another city ("Panzi" is asked). Text may
        name its city or province around the place, as people write it: "Ndosho, Goma",
        "katindo goma", "Kalundu/Uvira"; words such as "quartier", "camp de", "site" are
        ignored when the text without them is sure. With a city, only places within 25 km of it
        (or recorded as in it) count; with a ``province`` P-code or a province in the text, only
        that province's. Unsure text gets up to 8 choices: the candidates, or the named city.
        """
        first: Resolution | None = None
        for name, area, context in self._readings(text, province):  # lazily: most stop at one
            found = self._resolve_in(name, area, context)
            if found.place is not None:
                return found
            if first is None or (not first.choices and found.choices):
                first = found
        assert first is not None
        return first

    def _readings(
        self, text: str, province: str | None
    ) -> Iterator[tuple[str, Callable[[Place], bool] | None, Context | None]]:
        """(name, area filter, context) readings of typed text, most literal first."""
        nq = _query(text)
        base = self._in_province(province) if province else None
        base_label = Context(self._areas[province][0]) if province in self._areas else None
        yield text, base, base_label
        for name, where in _splits(text):
            context = self._context(where)
            if context is None:
                continue
            area, label = context
            if base is not None:
                area = _both(area, base)
            yield name, area, label
            stripped = _without_qualifiers(name)
            if stripped and stripped != normalise(name):
                yield stripped, area, label
        stripped = _without_qualifiers(text)
        if stripped and stripped != nq:
            yield stripped, base, base_label

    def _context(self, text: str) -> tuple[Callable[[Place], bool], Context] | None:
        """An area filter for text naming a city or town (surely) or a province; else None."""
        nq = normalise(_without_qualifiers(text) or text)
        for pcode, (name, level) in self._areas.items():
            if level == 1 and spelling_key(normalise(name)) == spelling_key(nq):
                return self._in_province(pcode), Context(name)
        try:
            found = [m for m in self.matches(nq, 10) if m.sure and m.place.kind in TOWN_KINDS]
        except ValueError:
            return None
        towns = _distinct_matches(found)
        if len(towns) != 1:
            return None
        town = towns[0].place

        def near(place: Place) -> bool:
            return (place.within == town.name and place.province_pcode == town.province_pcode) or (
                distance_km(place.lat, place.lon, town.lat, town.lon) <= CONTEXT_KM
            )

        return near, Context(town.name, town)

    @staticmethod
    def _in_province(pcode: str) -> Callable[[Place], bool]:
        return lambda place: place.province_pcode == pcode

    def _resolve_in(
        self, name: str, area: Callable[[Place], bool] | None, context: Context | None
    ) -> Resolution:
        try:
            found = self.matches(name, MAX_LIMIT)
        except ValueError:
            found = []
        if area is not None:
            found = [m for m in found if area(m.place)]
        sure = [m for m in found if m.sure]
        towns = [m for m in sure if m.place.kind in TOWN_KINDS] or sure
        if any(m.place.kind in CITY_PART_KINDS for m in sure):
            towns = sure
        distinct = _distinct_matches(towns)
        if len(distinct) == 1:
            best = distinct[0]
            namesakes = [m for m in _distinct_matches(sure) if m.place != best.place]
            label = context.name if context else None
            return Resolution(name, best.place, best, tuple(namesakes[:CHOICES]), label)
        choices = distinct or _distinct_matches(found)
        if not choices and context is not None and context.town is not None:
            choices = [Match(context.town, "context")]
        return Resolution(
            name, None, None, tuple(choices[:CHOICES]), context.name if context else None
        )

    def get(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        i = self._by_id.get(place_id)
        return None if i is None else self._places[i]

    def in_drc(self, lat: float, lon: float) -> bool:
        """Whether the point lies inside the DRC border (accurate to about 60 m)."""
        _check_point(lat, lon)
        return self._outline.contains(lat, lon)

    def nearest(
        self, lat: float, lon: float, kinds: Collection[str] | None = None
    ) -> tuple[Place, float] | None:
        """The nearest place (of one of ``kinds`` if given) and its geodesic distance in km.

        Only places at a surveyed point count (never an ``approximate`` one). The distance is
        :func:`matching.geo.distance_km` (the ellipsoid), exactly the nearest by it. None when
        the point is outside the DRC (or no place is of the given kinds).
        """
        if not self.in_drc(lat, lon):
            return None
        surveyed, index = self._index(None if kinds is None else frozenset(kinds))
        found = index.nearest(lat, lon)
        if found is None:
            return None
        km, i = found
        return self._places[surveyed[i]], km

    def _index(self, kinds: frozenset[str] | None) -> tuple[list[int], NearestIndex]:
        """The surveyed places (of ``kinds``) and their nearest-point index, built once."""
        if kinds not in self._indexes:
            with self._index_lock:
                if kinds not in self._indexes:
                    chosen = [i for i, p in enumerate(self._places) if not p.approximate
                              and (kinds is None or p.kind in kinds)]  # fmt: skip
                    points = [(self._places[i].lat, self._places[i].lon) for i in chosen]
                    self._indexes[kinds] = (chosen, NearestIndex(points))
        return self._indexes[kinds]

    def area_pcodes(self, lat: float, lon: float) -> frozenset[str]:
        """P-code of the province of the nearest place; empty outside the DRC."""
        found = self.nearest(lat, lon)
        return frozenset() if found is None else frozenset({found[0].province_pcode})

    def towns(self, province: str) -> list[Place]:
        """The cities and towns of a province, most important first."""
        towns = [p for p in self._places if p.province_pcode == province and p.kind in TOWN_KINDS]
        return sorted(towns, key=_importance)

    def provinces(self) -> list[tuple[str, str]]:
        """(P-code, name) of the 26 provinces, by P-code."""
        return sorted((pc, name) for pc, (name, level) in self._areas.items() if level == 1)


CHOICES = 8
_SEPARATORS = re.compile(r"\s*[,;/(|]\s*|\s+-\s+|\)")


def _match(place: Place, quality: int) -> Match:
    if quality in LEVELS:
        return Match(place, LEVELS[quality])
    return Match(place, "typo", (FUZZY - quality) // 5)


def _splits(text: str) -> Iterator[tuple[str, str]]:
    """(name, where) readings: "Ndosho, Goma", "Goma/Ndosho", then "ndosho goma", "goma ndosho"."""
    parts = [p for p in _SEPARATORS.split(text) if p.strip()]
    if len(parts) > 1:
        yield " ".join(parts[:-1]), parts[-1]
        yield " ".join(parts[1:]), parts[0]
        return
    words = text.split()
    for size in (1, 2):
        if len(words) > size:
            yield " ".join(words[:-size]), " ".join(words[-size:])
            yield " ".join(words[size:]), " ".join(words[:size])


def _without_qualifiers(text: str) -> str:
    """Normalised text without the words of :data:`QUALIFIERS` ("quartier de Himbi": "himbi")."""
    return " ".join(w for w in normalise(text).split() if w not in QUALIFIERS)


def _both(a: Callable[[Place], bool], b: Callable[[Place], bool]) -> Callable[[Place], bool]:
    return lambda place: a(place) and b(place)


def _query(q: str) -> str:
    """``q`` normalised; ValueError when over 100 characters or without a letter or digit."""
    if len(q) > MAX_QUERY_LENGTH:
        raise ValueError(f"q must be at most {MAX_QUERY_LENGTH} characters")
    nq = normalise(q)
    if not nq:
        raise ValueError("q must contain a letter or digit")
    return nq


def _distinct_matches(found: Iterable[Match]) -> list[Match]:
    """The matches, dropping any whose place is under :data:`SAME_PLACE_KM` from one kept."""
    kept: list[Match] = []
    for m in found:
        p = m.place
        if all(distance_km(p.lat, p.lon, k.place.lat, k.place.lon) > SAME_PLACE_KM for k in kept):
            kept.append(m)
    return kept


def _names(place: Place) -> tuple[str, ...]:
    return (place.name, *place.alt_names)


def _importance(place: Place) -> tuple[int, int, str, str]:
    kind = KINDS.index(place.kind) if place.kind in KINDS else len(KINDS)
    return kind, -(place.population or 0), place.name, place.place_id


def _check_point(lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("lat must be in [-90, 90] and lon in [-180, 180]")


@functools.cache
def get_gazetteer() -> Gazetteer:
    """The gazetteer from ``seed_data/gazetteer/``, loaded once per process."""
    return Gazetteer.load(SEED_DIR)
