"""Offline DRC gazetteer: place search and reverse lookup over static seed data.

The data (``seed_data/gazetteer/``, see its LICENCES.md) is about 14,000 named places from
OpenStreetMap (2019) merged with GeoNames towns, the OCHA P-codes of the 26 provinces and 189
territories and cities, a small alias table, and the DRC border. Nothing here touches the network,
Flask or a database; a :class:`Gazetteer` is immutable once loaded and safe to share across threads.

Search is case- and accent-insensitive, matches prefixes, French/Bantu spelling variants
("Kitchanga"/"Kitshanga", "Bukavou"/"Bukavu") and typos, and ranks by match quality, then
importance (kind, then population). Reverse lookup finds the nearest named place by a grid index.
"""

from __future__ import annotations

import csv
import functools
import gzip
import heapq
import io
import math
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geopy.distance import geodesic
from rapidfuzz import process
from rapidfuzz.distance import OSA

from directory.geo_parse import DrcOutline, parse_coordinates

__all__ = ["Gazetteer", "Place", "distinct_labels", "get_gazetteer", "parse_coordinates"]

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data" / "gazetteer"
MAX_QUERY_LENGTH = 100
MAX_LIMIT = 50
KINDS = ("city", "town", "village", "suburb", "quarter", "neighbourhood", "hamlet", "locality")
KINDS += ("island", "isolated_dwelling", "farm")
#: Match quality, best first. A place's quality is the best of all its names' matches.
EXACT, ALTERNATE, VARIANT, PREFIX, WORD_PREFIX, FUZZY = 100, 96, 92, 85, 80, 70
_CELL_DEG = 0.25  # grid cell for nearest-place lookups (about 28 km)
_CELL_KM_MIN = _CELL_DEG * 111.19 * math.cos(math.radians(14))  # narrowest cell side in the DRC
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_VARIANTS = [("tsh", "sh"), ("tch", "sh"), ("ch", "sh"), ("ou", "u"), ("w", "u"), ("dj", "j")]
_VARIANTS += [("y", "i"), (" ", "")]
_DOUBLED = re.compile(r"(.)\1+")


def normalise(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumerics a single space."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("æ", "ae"))
        text = text.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", text).strip()


def spelling_key(normalised: str) -> str:
    """Fold spelling variants common in DRC place names: tsh/tch/ch, ou/u/w, dj/j, y/i, doubles.

    "kitchanga", "kitshanga" and "kichanga" share a key, as do "bukavou" and "bukavu".
    """
    for old, new in _VARIANTS:
        normalised = normalised.replace(old, new)
    return _DOUBLED.sub(r"\1", normalised)


@dataclass(frozen=True, slots=True)
class Place:
    """A named place. ``place_id`` is stable: ``osm:<node id>`` or ``gn:<geonameid>``.

    ``territory_*`` is set only for the town that is a territory's seat or is itself a city
    (ADM2); ``population`` is None when no source gives one.
    """

    place_id: str
    name: str
    kind: str
    province_name: str
    province_pcode: str
    territory_name: str | None
    territory_pcode: str | None
    tz: str
    lat: float
    lon: float
    population: int | None
    alt_names: tuple[str, ...]

    @property
    def label(self) -> str:
        """Name with province, e.g. "Bukavu (Sud-Kivu)": 1,400 names occur more than once."""
        return f"{self.name} ({self.province_name})"


def distinct_labels(places: Iterable[Place]) -> list[str]:
    """Labels for a result list, adding kind and then coordinates where labels would repeat."""
    places = list(places)
    labels = [p.label for p in places]
    for detail in (_with_kind, _with_point):
        seen: dict[str, int] = defaultdict(int)
        for label in labels:
            seen[label] += 1
        labels = [
            detail(p) if seen[lab] > 1 else lab for p, lab in zip(places, labels, strict=True)
        ]
    return labels


def _with_kind(p: Place) -> str:
    return f"{p.name} ({p.kind}, {p.province_name})"


def _with_point(p: Place) -> str:
    return f"{p.name} ({p.kind}, {p.province_name}, {p.lat:.2f}, {p.lon:.2f})"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (mean Earth radius); within 0.5% of the geodesic."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


class _NameIndex:
    """Names and alternate names of every place, indexed for exact, prefix and fuzzy lookups."""

    def __init__(self, names: Iterable[tuple[int, str, bool]]) -> None:
        """``names`` yields (place index, name, is_primary)."""
        self.exact: dict[str, list[tuple[int, bool]]] = defaultdict(list)
        self.variants: dict[str, list[int]] = defaultdict(list)
        words: set[tuple[str, str]] = set()
        for i, name, primary in names:
            key = normalise(name)
            if key and (i, primary) not in self.exact[key]:
                self.exact[key].append((i, primary))
                self.variants[spelling_key(key)].append(i)
                words.update((w, key) for w in key.split()[1:])
        self.keys = sorted(self.exact)
        self.words = sorted(words)
        self.by_length = (_by_length(self.keys), _by_length(self.variants))

    def matches(self, q: str) -> Iterator[tuple[int, int]]:
        """Yield (quality, place index) tier by tier, best tier first; a normalised ``q``."""
        for i, primary in self.exact.get(q, ()):
            yield (EXACT if primary else ALTERNATE), i
        yield from ((VARIANT, i) for i in self.variants.get(spelling_key(q), ()))
        for key in self._prefixed(self.keys, q):
            yield from ((PREFIX, i) for i, _ in self.exact[key])
        if len(q) >= 3:
            for _, key in self._prefixed(self.words, (q,)):
                yield from ((WORD_PREFIX, i) for i, _ in self.exact[key])
        yield from self._fuzzy(q)

    @staticmethod
    def _prefixed(items: list, start: str | tuple) -> Iterator:
        prefix = start if isinstance(start, str) else start[0]
        for pos in range(bisect_left(items, start), len(items)):
            item = items[pos]
            if not (item if isinstance(item, str) else item[0]).startswith(prefix):
                return
            yield item

    def _fuzzy(self, q: str) -> Iterator[tuple[int, int]]:
        """Names a few edits from the query as typed, or from its spelling key (see _close_keys)."""
        raw, folded = self.by_length
        edits: dict[int, int] = {}
        for text, by_length, places_of in (
            (q, raw, lambda key: [i for i, _ in self.exact[key]]),
            (spelling_key(q), folded, self.variants.__getitem__),
        ):
            for key, distance in _close_keys(text, by_length):
                for i in places_of(key):
                    edits[i] = min(distance, edits.get(i, distance))
        for i, distance in sorted(edits.items(), key=lambda item: item[1]):
            yield FUZZY - 5 * distance, i


def _close_keys(text: str, by_length: dict[int, list[str]]) -> Iterator[tuple[str, int]]:
    """Keys within 1 edit of ``text`` (2 for 6+ letters, 3 for 10+), with their distance.

    An edit inserts, deletes or substitutes a letter or swaps two adjacent letters; only keys
    whose length is within that many letters of the text's are compared.
    """
    size = len(text.replace(" ", ""))
    if size < 4:
        return
    cutoff = 1 if size < 6 else 2 if size < 10 else 3
    for length in range(len(text) - cutoff, len(text) + cutoff + 1):
        choices = by_length.get(length, ())
        found = process.extract(text, choices, scorer=OSA.distance, score_cutoff=cutoff, limit=None)
        yield from ((key, distance) for key, distance, _ in found)


def _by_length(keys: Iterable[str]) -> dict[int, list[str]]:
    by_length: dict[int, list[str]] = defaultdict(list)
    for key in keys:
        by_length[len(key)].append(key)
    return by_length


class _Grid:
    """Points bucketed in cells of ``_CELL_DEG`` degrees, for nearest-point search."""

    def __init__(self, points: list[tuple[float, float]]) -> None:
        self.points = points
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (lat, lon) in enumerate(points):
            self.cells[self._cell(lat, lon)].append(i)
        self.max_ring = 1 + max(max(abs(a), abs(b)) for a, b in self.cells) * 2

    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / _CELL_DEG), math.floor(lon / _CELL_DEG)

    def nearest(
        self, lat: float, lon: float, accept: Callable[[int], bool] | None = None
    ) -> tuple[int, float] | None:
        """(index, km) of the nearest point that ``accept(index)`` allows, ring by ring."""
        ci, cj = self._cell(lat, lon)
        best: tuple[float, int] | None = None
        for ring in range(self.max_ring + 1):
            if best is not None and best[0] <= (ring - 1) * _CELL_KM_MIN:
                break
            for cell in _ring(ci, cj, ring):
                for i in self.cells.get(cell, ()):
                    if accept is None or accept(i):
                        d = haversine_km(lat, lon, *self.points[i])
                        if best is None or d < best[0]:
                            best = (d, i)
        return None if best is None else (best[1], best[0])


def _ring(ci: int, cj: int, r: int) -> Iterator[tuple[int, int]]:
    if r == 0:
        yield ci, cj
        return
    for dj in range(-r, r + 1):
        yield ci - r, cj + dj
        yield ci + r, cj + dj
    for di in range(-r + 1, r):
        yield ci + di, cj - r
        yield ci + di, cj + r


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
        self._names = _NameIndex(names)
        self._grid = _Grid([(p.lat, p.lon) for p in places])

    @classmethod
    def load(cls, directory: Path) -> Gazetteer:
        """Read ``admin_areas.csv``, ``places.csv.gz``, ``aliases.csv`` and the outline."""
        with open(directory / "admin_areas.csv", encoding="utf-8") as f:
            areas = {r["pcode"]: (r["name"], int(r["admin_level"])) for r in csv.DictReader(f)}
        aliases: dict[str, list[str]] = defaultdict(list)
        with open(directory / "aliases.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                aliases[row["place_id"]].append(row["alias"])
        with gzip.open(directory / "places.csv.gz", "rb") as raw:
            rows = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
        places = [_place(r, areas, aliases.get(r["place_id"], [])) for r in rows]
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
        if len(q) > MAX_QUERY_LENGTH:
            raise ValueError(f"q must be at most {MAX_QUERY_LENGTH} characters")
        nq = normalise(q)
        if not nq:
            raise ValueError("q must contain a letter or digit")
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
        return [self._places[i] for i in top]

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

        None when the point is outside the DRC (or no place is of the given kinds).
        """
        if not self.in_drc(lat, lon):
            return None
        accept = None if kinds is None else (lambda i: self._places[i].kind in kinds)
        found = self._grid.nearest(lat, lon, accept)
        if found is None:
            return None
        place = self._places[found[0]]
        return place, geodesic((lat, lon), (place.lat, place.lon)).km

    def area_pcodes(self, lat: float, lon: float) -> frozenset[str]:
        """P-code of the province of the nearest place; empty outside the DRC."""
        found = self.nearest(lat, lon)
        return frozenset() if found is None else frozenset({found[0].province_pcode})

    def provinces(self) -> list[tuple[str, str]]:
        """(P-code, name) of the 26 provinces, by P-code."""
        return sorted((pc, name) for pc, (name, level) in self._areas.items() if level == 1)


def _names(place: Place) -> tuple[str, ...]:
    return (place.name, *place.alt_names)


def _importance(place: Place) -> tuple[int, int, str, str]:
    kind = KINDS.index(place.kind) if place.kind in KINDS else len(KINDS)
    return kind, -(place.population or 0), place.name, place.place_id


def _place(row: dict[str, str], areas: dict[str, tuple[str, int]], aliases: list[str]) -> Place:
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


def _check_point(lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("lat must be in [-90, 90] and lon in [-180, 180]")


@functools.cache
def get_gazetteer() -> Gazetteer:
    """The gazetteer from ``seed_data/gazetteer/``, loaded once per process."""
    return Gazetteer.load(SEED_DIR)
