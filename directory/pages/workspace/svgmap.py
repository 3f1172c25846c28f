"""A map drawn on the server as SVG: the DRC border, numbered places and the search point.

It needs no internet and no script: the border comes from the offline gazetteer's outline
(``seed_data/gazetteer/drc_outline.geojson.gz``), simplified for display (Douglas-Peucker, a
few tolerance levels, each computed once per process) and cut to the part in view. The view is
Web Mercator, fitted to the points. Map tiles are drawn underneath only when ``MAP_TILE_URL``
is configured: a template such as ``/tiles/{z}/{x}/{y}.png`` on this origin (the
Content-Security-Policy loads images from this origin only).

The search point is drawn only into the response that shows it: it is never stored.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from directory.core.taxonomy import SEED_DIR
from directory.places.gazetteer import get_gazetteer

Point = tuple[float, float]
"""(lon, lat)."""

OUTLINE_FILE = SEED_DIR / "gazetteer" / "drc_outline.geojson.gz"
WIDTH = 640.0
MIN_HEIGHT, MAX_HEIGHT = 320.0, 560.0
PADDING = 28.0
MIN_SPAN_DEG = 0.08
"""The smallest view, about 9 km across: points in one town stay apart but in context."""
TOLERANCES_DEG = (0.0005, 0.002, 0.008, 0.03)
INSET = 110.0
TILE_SIZE = 256


@dataclass(frozen=True)
class Marker:
    """One numbered place on the map (``kind``: ``result`` or ``stop``, of the care plan)."""

    number: int
    lat: float
    lon: float
    label: str
    kind: str = "result"


@dataclass(frozen=True)
class Shape:
    """What the template draws: every coordinate is already in SVG units."""

    width: float
    height: float
    border: str
    markers: list[tuple[float, float, Marker]]
    search: tuple[float, float] | None
    tiles: list[tuple[str, float, float, float]]
    inset_border: str
    inset_box: tuple[float, float, float, float] | None
    labels: list[tuple[float, float, str]] = field(default_factory=list)
    """(x, y, name) of the towns named on the map."""
    scale: tuple[float, str] | None = None
    """(length in SVG units, its distance in words) of the scale bar."""


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator in world units (0..1 from the antimeridian and from the north)."""
    lat = max(-85.0, min(85.0, lat))
    sin = math.sin(math.radians(lat))
    return (lon + 180.0) / 360.0, 0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)


@functools.cache
def _rings() -> tuple[tuple[tuple[float, float], ...], ...]:
    """The outline's rings as (lon, lat) points."""
    with gzip.open(OUTLINE_FILE, "rt", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    rings: list[tuple[tuple[float, float], ...]] = []
    for geometry in (feature["geometry"] for feature in features):
        polygons = geometry["coordinates"]
        for polygon in [polygons] if geometry["type"] == "Polygon" else polygons:
            rings.extend(tuple((x, y) for x, y in ring) for ring in polygon)
    return tuple(rings)


@functools.cache
def simplified(tolerance: float) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The outline simplified to within ``tolerance`` degrees (computed once per level)."""
    return tuple(_douglas_peucker(ring, tolerance) for ring in _rings())


def _douglas_peucker(
    points: tuple[tuple[float, float], ...], tolerance: float
) -> tuple[tuple[float, float], ...]:
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy) or 1e-12
        far, index = 0.0, -1
        for i in range(first + 1, last):
            x, y = points[i]
            if dx == dy == 0:
                distance = math.hypot(x - x1, y - y1)
            else:
                distance = abs(dy * (x - x1) - dx * (y - y1)) / norm
            if distance > far:
                far, index = distance, i
        if index > 0 and far > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return tuple(p for p, kept in zip(points, keep, strict=True) if kept)


class _View:
    """World (Mercator) coordinates to SVG units, for one bounding box."""

    def __init__(self, south: float, west: float, north: float, east: float, width: float) -> None:
        self.x0, self.y0 = mercator(north, west)
        x1, y1 = mercator(south, east)
        self.scale = width / max(x1 - self.x0, 1e-12)
        self.width, self.height = width, (y1 - self.y0) * self.scale
        self.box = (south, west, north, east)

    def at(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = mercator(lat, lon)
        return round((x - self.x0) * self.scale, 1), round((y - self.y0) * self.scale, 1)

    def path(self, rings: Iterable[tuple[tuple[float, float], ...]], margin: float) -> str:
        """SVG path data of the rings clipped to the view (plus ``margin`` degrees), closed, so
        that the country is filled correctly however little of it is in view."""
        south, west, north, east = self.box
        box = (south - margin, west - margin, north + margin, east + margin)
        parts = []
        for ring in rings:
            clipped = _clip(list(ring), box)
            if len(clipped) >= 3:
                points = (self.at(lat, lon) for lon, lat in clipped)
                parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z")
        return "".join(parts)


def _clip(
    ring: list[tuple[float, float]], box: tuple[float, float, float, float]
) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the (lon, lat) polygon cut to a rectangle (south, west, north,
    east); the result may run along the rectangle's edges, which fills correctly."""
    south, west, north, east = box
    edges: tuple[tuple[Callable[[Point], bool], Callable[[Point, Point], Point]], ...] = (
        (lambda p: p[0] >= west, lambda a, b: _cross_lon(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _cross_lon(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _cross_lat(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _cross_lat(a, b, north)),
    )
    points = ring
    for inside, cross in edges:
        if not points:
            break
        result = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
        points = result
    return points


def _cross_lon(a: tuple[float, float], b: tuple[float, float], lon: float) -> tuple[float, float]:
    t = (lon - a[0]) / (b[0] - a[0])
    return lon, a[1] + t * (b[1] - a[1])


def _cross_lat(a: tuple[float, float], b: tuple[float, float], lat: float) -> tuple[float, float]:
    t = (lat - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), lat


def _fit(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """A box around the points, at least :data:`MIN_SPAN_DEG` wide and tall."""
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    grow_lat = max(0.0, MIN_SPAN_DEG - (north - south)) / 2
    grow_lon = max(0.0, MIN_SPAN_DEG - (east - west)) / 2
    return south - grow_lat, west - grow_lon, north + grow_lat, east + grow_lon


def _padded(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    south, west, north, east = box
    pad = PADDING / WIDTH * (east - west)
    return south - pad, west - pad, north + pad, east + pad


def draw(
    markers: list[Marker], search: tuple[float, float] | None, tile_url: str | None = None
) -> Shape | None:
    """The map of ``markers`` and the search point, or None when there is nothing to place."""
    points = [(m.lat, m.lon) for m in markers] + ([search] if search else [])
    if not points:
        return None
    view = _View(*_padded(_fit(points)), WIDTH)
    if not MIN_HEIGHT <= view.height <= MAX_HEIGHT:
        view = _reshape(view)
    south, west, north, east = view.box
    span = max(north - south, east - west)
    tolerance = max([t for t in TOLERANCES_DEG if t <= span / WIDTH] or [TOLERANCES_DEG[0]])
    country = _View(-13.6, 12.1, 5.5, 31.4, INSET)
    coarse = simplified(TOLERANCES_DEG[-1])
    whole_country = span > 10
    return Shape(
        width=view.width,
        height=view.height,
        border=view.path(simplified(tolerance), margin=span * 0.05),
        markers=[(*view.at(m.lat, m.lon), m) for m in markers],
        search=view.at(*search) if search else None,
        tiles=_tiles(view, tile_url) if tile_url else [],
        inset_border="" if whole_country else country.path(coarse, margin=1.0),
        inset_box=None if whole_country else _inset_box(country, view),
        labels=_labels(view, [view.at(lat, lon) for lat, lon in points], not whole_country),
        scale=_scale_bar(view),
    )


LABEL_KINDS = ("city", "town", "commune", "suburb", "quarter", "neighbourhood", "village")
"""Place kinds named on the map, most important first; beyond towns only in a close view
(a city's communes and quarters, villages)."""
MAX_LABELS = 10
LABEL_BOX = (90.0, 16.0)
"""The room a label takes (SVG units): no two labels, and no label and marker, overlap."""
SCALE_STEPS_KM = (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)
SCALE_MAX = 120.0
"""The scale bar's greatest length in SVG units."""


def _labels(
    view: _View, taken: list[tuple[float, float]], inset: bool
) -> list[tuple[float, float, str]]:
    """Towns in view from the offline gazetteer, the biggest first, none over another label, a
    marker or the ``inset`` (top right): cities and towns, and villages when the view spans
    less than half a degree."""
    south, west, north, east = view.box
    kinds = LABEL_KINDS if max(north - south, east - west) < 0.5 else LABEL_KINDS[:2]
    rank = {kind: i for i, kind in enumerate(kinds)}
    inside = [p for p in get_gazetteer() if p.kind in rank and not p.approximate
              and south < p.lat < north and west < p.lon < east]  # fmt: skip
    inside.sort(key=lambda p: (rank[p.kind], -(p.population or 0), p.name))
    width, height = LABEL_BOX
    placed: list[tuple[float, float, str]] = []
    for place in inside:
        x, y = view.at(place.lat, place.lon)
        if x > view.width - width or y < height or (inset and x > view.width - 250 and y < 150):
            continue
        box = (x - 3, y - height, x + width, y + 3)  # the dot and the text beside it
        if any(_overlap(box, (ox - 3, oy - height, ox + width, oy + 3)) for ox, oy, _ in placed):
            continue
        if any(_overlap(box, (mx - 15, my - 15, mx + 15, my + 15)) for mx, my in taken):
            continue
        if _overlap(box, (0, view.height - 40, SCALE_MAX + 70, view.height)):  # the scale bar
            continue
        placed.append((x, y, place.name))
        if len(placed) == MAX_LABELS:
            break
    return placed


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two (left, top, right, bottom) boxes overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _scale_bar(view: _View) -> tuple[float, str]:
    """A round distance whose bar is at most :data:`SCALE_MAX` long, at the view's middle
    latitude (Mercator stretches distances by 1/cos(latitude))."""
    south, _west, north, _east = view.box
    middle = math.radians((south + north) / 2)
    units_per_km = view.scale * math.cos(middle) ** -1 / 40075.016686
    fitting = [km for km in SCALE_STEPS_KM if km * units_per_km <= SCALE_MAX]
    km = fitting[-1] if fitting else SCALE_STEPS_KM[0]
    words = f"{km:g} km" if km >= 1 else f"{km * 1000:g} m"
    return round(km * units_per_km, 1), words


def _reshape(view: _View) -> _View:
    """Widen the shorter side so the map is neither a sliver nor a tower (near the equator a
    degree of latitude and one of longitude are about as long on the map)."""
    south, west, north, east = view.box
    if view.height < MIN_HEIGHT:
        extra = ((east - west) * MIN_HEIGHT / WIDTH - (north - south)) / 2
        return _View(south - extra, west, north + extra, east, WIDTH)
    extra = ((north - south) * WIDTH / MAX_HEIGHT - (east - west)) / 2
    return _View(south, west - extra, north, east + extra, WIDTH)


def _inset_box(country: _View, view: _View) -> tuple[float, float, float, float]:
    south, west, north, east = view.box
    x1, y1 = country.at(north, west)
    x2, y2 = country.at(south, east)
    return x1, y1, max(x2 - x1, 3.0), max(y2 - y1, 3.0)


def _tiles(view: _View, template: str) -> list[tuple[str, float, float, float]]:
    """(url, x, y, size) of the tiles under the view, at the zoom closest to its scale."""
    zoom = max(0, min(18, round(math.log2(view.scale / TILE_SIZE))))
    count = 2**zoom
    size = view.scale / count
    first_x, first_y = int(view.x0 * count), int(view.y0 * count)
    last_x = int((view.x0 + view.width / view.scale) * count)
    last_y = int((view.y0 + view.height / view.scale) * count)
    tiles = []
    for tx in range(first_x, min(last_x, count - 1) + 1):
        for ty in range(first_y, min(last_y, count - 1) + 1):
            url = template.format(z=zoom, x=tx, y=ty)
            x, y = (tx / count - view.x0) * view.scale, (ty / count - view.y0) * view.scale
            tiles.append((url, round(x, 1), round(y, 1), round(size, 1)))
    return tiles[:64]
