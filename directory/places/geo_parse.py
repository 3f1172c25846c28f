"""Points for the gazetteer: reading coordinates, the DRC border, the optional online geocoder.

:func:`parse_coordinates` turns text a caseworker types or pastes into (latitude, longitude).
:class:`DrcOutline` tests whether a point lies inside the DRC. :class:`OnlineGeocoder` is a
rate-limited Nominatim client (geopy) that is off unless configured; nothing else needs it.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.point import Point

__all__ = ["DrcOutline", "OnlineGeocoder", "parse_coordinates"]

MAX_TEXT_LENGTH = 100
EXAMPLES = "e.g. '-1.67, 29.22', '1.67S 29.22E' or '1°40\u2032S 29°14\u2032E'"
_NUM = r"\d+(?:\.\d+)?"
_PARTS = rf"({_NUM})(?:\s+({_NUM}))?(?:\s+({_NUM}))?"
#: Degrees [minutes [seconds]] separated by spaces, with hemisphere letters before or after.
_SPACED = [
    re.compile(rf"{_PARTS}\s*([NS])[\s,;]*{_PARTS}\s*([EW])"),
    re.compile(rf"([NS])\s*{_PARTS}[\s,;]*([EW])\s*{_PARTS}"),
]
_PLAIN = re.compile(rf"(-?{_NUM})\s*[\s,;]\s*(-?{_NUM})")
_OUT_OF_RANGE = "latitude must be within ±90 and longitude within ±180 degrees"
_LABELS = re.compile(r"\b(?:latitude|longitude|lat|long|lon|lng)\b\s*[:=]?", re.IGNORECASE)


def parse_coordinates(text: str) -> tuple[float, float]:
    """Read "latitude, longitude" in the forms people paste; return decimal degrees.

    Accepted: signed decimal degrees ("-1.67, 29.22", "-1.67 29.22", "-1.67;29.22"), decimal
    commas ("-1,67 ; 29,22"), hemisphere letters before or after ("1.67S 29.22E", "S1.67 E29.22"),
    degrees and minutes (and seconds) marked with symbols ("1°40'S 29°14'E"; primes and typographic
    quotes too) or separated by spaces ("1 40 12 S 29 14 0 E"), optional "lat:"/"lon:" labels and
    brackets. Latitude always comes first; nothing is guessed. Raises ValueError saying what is
    wrong.
    """
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"coordinates must be at most {MAX_TEXT_LENGTH} characters")
    cleaned = _clean(text)
    if not cleaned:
        raise ValueError(f"no coordinates given; expected {EXAMPLES}")
    for pattern in _SPACED:
        if match := pattern.fullmatch(cleaned):
            return _checked(*_from_spaced(match.groups()))
    if match := _PLAIN.fullmatch(cleaned):
        return _checked(float(match[1]), float(match[2]))
    if len(re.findall(_NUM, cleaned)) > 6 or not re.search(r"[NSEW°\u2032\u2033'\"]", cleaned):
        raise ValueError(f"could not read coordinates from {text!r}; expected {EXAMPLES}")
    return _with_geopy(text, cleaned)


def _clean(text: str) -> str:
    """Unify minus signs and quotes, drop labels and brackets, turn decimal commas into points."""
    minus_and_quotes: dict[str, str | int | None] = {
        "\u2212": "-",
        "\u2013": "-",
        "\u2019": "\u2032",
        "\u201d": "\u2033",
        "º": "°",
    }
    s = text.strip().translate(str.maketrans(minus_and_quotes))
    s = _LABELS.sub(" ", s).strip(" ()[]{}")
    s = re.sub(r"\b([nsewNSEW])\b", lambda m: m[1].upper(), s)
    s = re.sub(r"(?<=\d)([nsew])\b", lambda m: m[1].upper(), s)
    s = re.sub(r"\b([nsew])(?=\d)", lambda m: m[1].upper(), s)
    if "." not in s and (";" in s or len(re.findall(r"\d,\d", s)) >= 2):
        s = re.sub(r"(\d),(\d)", r"\1.\2", s).replace(";", ",")
    return " ".join(s.split())


def _from_spaced(groups: tuple[str | None, ...]) -> tuple[float, float]:
    if groups[0] in ("N", "S"):  # hemisphere letters first
        groups = (*groups[1:4], groups[0], *groups[5:8], groups[4])
    lat = _degrees(groups[0:3], negative=groups[3] == "S")
    lon = _degrees(groups[4:7], negative=groups[7] == "W")
    return lat, lon


def _degrees(parts: tuple[str | None, ...], negative: bool) -> float:
    degrees, minutes, seconds = (float(p) if p else 0.0 for p in parts)
    if minutes >= 60 or seconds >= 60:
        raise ValueError("minutes and seconds must be below 60")
    value = degrees + minutes / 60 + seconds / 3600
    return -value if negative else value


def _with_geopy(text: str, cleaned: str) -> tuple[float, float]:
    """geopy's parser, for forms with degree, minute and second symbols."""
    if any(float(n) > 180 for n in re.findall(_NUM, cleaned)):
        raise ValueError(_OUT_OF_RANGE)
    if any(float(n) >= 60 for n in re.findall(rf"({_NUM})\s*['\"\u2032\u2033]", cleaned)):
        raise ValueError("minutes and seconds must be below 60")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # geopy warns, then normalises, for |latitude| > 90
            point = Point.from_string(cleaned)
    except Warning as error:
        raise ValueError(_OUT_OF_RANGE) from error
    except ValueError as error:
        raise ValueError(
            f"could not read coordinates from {text!r}; expected {EXAMPLES}"
        ) from error
    return _checked(point.latitude, point.longitude)


def _checked(lat: float, lon: float) -> tuple[float, float]:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(_OUT_OF_RANGE)
    return lat, lon


class DrcOutline:
    """The DRC border as polygon rings, indexed by latitude band for point-in-polygon tests."""

    _BAND_DEG = 0.05

    def __init__(self, rings: list[list[tuple[float, float]]]) -> None:
        """``rings`` are closed (lon, lat) rings; holes are handled by the even-odd rule."""
        self.bands: dict[int, list[tuple[float, float, float, float]]] = defaultdict(list)
        points = [pt for ring in rings for pt in ring]
        lats, lons = [y for _, y in points], [x for x, _ in points]
        self.bbox = (min(lats), max(lats), min(lons), max(lons))
        for ring in rings:
            for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                for band in range(self._band(min(y1, y2)), self._band(max(y1, y2)) + 1):
                    self.bands[band].append((x1, y1, x2, y2))

    @classmethod
    def load(cls, path: Path) -> DrcOutline:
        """Read a gzipped GeoJSON FeatureCollection of Polygons or MultiPolygons."""
        with gzip.open(path, "rt", encoding="utf-8") as f:
            features = json.load(f)["features"]
        rings: list[list[tuple[float, float]]] = []
        for geometry in (feature["geometry"] for feature in features):
            polygons = geometry["coordinates"]
            for polygon in [polygons] if geometry["type"] == "Polygon" else polygons:
                rings.extend([[(x, y) for x, y in ring] for ring in polygon])
        return cls(rings)

    def _band(self, lat: float) -> int:
        return math.floor(lat / self._BAND_DEG)

    def contains(self, lat: float, lon: float) -> bool:
        """Whether (lat, lon) is inside, by counting ring crossings of a ray going east."""
        south, north, west, east = self.bbox
        if not (south <= lat <= north and west <= lon <= east):
            return False
        inside = False
        for x1, y1, x2, y2 in self.bands.get(self._band(lat), ()):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside


class OnlineGeocoder:
    """Optional place search on a Nominatim server through geopy, limited to the DRC.

    Off by default: :meth:`from_config` returns None unless ``GEOCODER_ONLINE`` is true. It sends
    the query text (never a point) to that server, so a search for a survivor's village leaves
    the machine: enable it only where that is acceptable. Calls are spaced by geopy's
    ``RateLimiter`` (at least 1 s apart per process, Nominatim's usage policy); network errors
    give an empty result, never an exception.
    """

    def __init__(self, geocode: Callable[..., Any]) -> None:
        """``geocode`` is a geopy-style ``geocode(query, **options)`` callable."""
        self._geocode = geocode

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> OnlineGeocoder | None:
        """Build from settings ``GEOCODER_ONLINE`` (bool), ``GEOCODER_USER_AGENT`` (required when
        on), ``GEOCODER_DOMAIN``, ``GEOCODER_MIN_DELAY_SECONDS`` (>= 1) and
        ``GEOCODER_TIMEOUT_SECONDS``; None when off. Makes no network call.
        """
        if not config.get("GEOCODER_ONLINE"):
            return None
        user_agent = config.get("GEOCODER_USER_AGENT")
        if not user_agent:
            raise ValueError("GEOCODER_USER_AGENT is required when GEOCODER_ONLINE is on")
        nominatim = Nominatim(
            user_agent=user_agent,
            domain=config.get("GEOCODER_DOMAIN", "nominatim.openstreetmap.org"),
            timeout=float(config.get("GEOCODER_TIMEOUT_SECONDS", 5)),
        )
        delay = max(1.0, float(config.get("GEOCODER_MIN_DELAY_SECONDS", 1.0)))
        return cls(RateLimiter(nominatim.geocode, min_delay_seconds=delay, max_retries=1))

    def search(self, q: str, limit: int = 5) -> list[tuple[str, float, float]]:
        """(display name, latitude, longitude) of up to ``limit`` matches inside the DRC."""
        found = self._geocode(q, exactly_one=False, limit=limit, country_codes="cd", language="fr")
        return [(r.address, r.latitude, r.longitude) for r in found or []]
