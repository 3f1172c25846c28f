"""Pictures for reports: the gap map and bar charts, as standalone SVG drawn on the server.

The SVG files carry their colours as presentation attributes (no stylesheet, no script, no
font or image from elsewhere), so they display the same in the page, opened offline, or pasted
into a report; the page's Content-Security-Policy allows them as they are. Text is passed in
already translated by the caller.

The map is a plate carrée of the DRC outline (``seed_data/gazetteer/drc_outline.geojson.gz``,
simplified by Douglas-Peucker to about 3 km for display) with every place a dot coloured by
its distance band. Service locations are not drawn.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from directory.places.gazetteer import SEED_DIR

BAND_COLOURS = ("#2c7bb6", "#abd9e9", "#fee08b", "#fdae61", "#d7191c", "#404040")
"""Colours of :data:`directory.coverage.gaps.BANDS`, near to far then none (colour-blind safe
RdYlBu order)."""
OUTLINE_TOLERANCE_DEG = 0.03
MAP_WIDTH = 760
MARGIN = 20
TITLE_HEIGHT = 48
DOT = 3.2

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude to SVG pixels for a bounding box, at ``width`` pixels wide."""

    west: float
    south: float
    east: float
    north: float
    width: float

    @property
    def scale(self) -> float:
        """Pixels per degree (longitude degrees shrunk by the cosine of the mid latitude)."""
        return self.width / ((self.east - self.west) * self._cos)

    @property
    def _cos(self) -> float:
        return math.cos(math.radians((self.north + self.south) / 2))

    @property
    def height(self) -> float:
        return (self.north - self.south) * self.scale

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Pixel coordinates (origin at the north-west corner)."""
        return (lon - self.west) * self._cos * self.scale, (self.north - lat) * self.scale


def simplify(ring: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker simplification of a closed ring (first and last points kept)."""
    if len(ring) < 4:
        return list(ring)
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        index, worst = -1, tolerance
        for i in range(first + 1, last):
            d = _offset(ring[i], ring[first], ring[last])
            if d > worst:
                index, worst = i, d
        if index >= 0:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(ring, keep, strict=True) if kept]


def _offset(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance of ``p`` from the segment ``a``–``b`` (planar, in degrees)."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


@functools.cache
def drc_outline() -> tuple[Ring, ...]:
    """The DRC border rings (lon, lat), simplified for display (read once per process)."""
    with gzip.open(SEED_DIR / "drc_outline.geojson.gz", "rt", encoding="utf-8") as f:
        features = json.load(f)["features"]
    rings = []
    for geometry in (feature["geometry"] for feature in features):
        polygons = geometry["coordinates"]
        for polygon in [polygons] if geometry["type"] == "Polygon" else polygons:
            rings += [
                simplify([(x, y) for x, y in ring], OUTLINE_TOLERANCE_DEG) for ring in polygon
            ]
    return tuple(rings)


def _projection(rings: Sequence[Ring]) -> Projection:
    lons = [x for ring in rings for x, _ in ring]
    lats = [y for ring in rings for _, y in ring]
    return Projection(min(lons), min(lats), max(lons), max(lats), MAP_WIDTH)


def gap_map(
    title: str,
    dots: Sequence[tuple[float, float, int]],
    legend: Sequence[str],
    description: str,
) -> str:
    """The map: ``dots`` are (latitude, longitude, band index); ``legend`` labels each band
    (with its count, say); ``description`` is the text alternative."""
    rings = drc_outline()
    proj = _projection(rings)
    top = TITLE_HEIGHT
    width, height = MAP_WIDTH + 2 * MARGIN, proj.height + top + MARGIN
    outline = " ".join(
        "M" + "L".join(_pt(proj.xy(x, y), MARGIN, top) for x, y in ring) + "Z" for ring in rings
    )
    by_band: list[list[str]] = [[] for _ in BAND_COLOURS]
    for lat, lon, band in dots:
        by_band[band].append("M" + _pt(proj.xy(lon, lat), MARGIN, top) + "h0")
    parts = [
        _open(width, height, title, description),
        f'<path d="{outline}" fill="#f5f5f5" stroke="#555555" stroke-width="1"/>',
        *(
            f'<path d="{"".join(segments)}" stroke="{BAND_COLOURS[band]}" '
            f'stroke-width="{DOT}" stroke-linecap="round" fill="none"/>'
            for band, segments in enumerate(by_band)
            if segments
        ),
        _legend(legend, MARGIN + 8, height - MARGIN - 18 * len(legend)),
        "</svg>\n",
    ]
    return "\n".join(parts)


def stacked_bars(
    title: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    legend: Sequence[str],
    description: str,
) -> str:
    """Horizontal bars, one per row ``(label, count per band)``, each split by band in
    proportion to its total (100 % wide); ``legend`` labels the bands."""
    label_width, bar_width, row_height = 190, 520, 22
    top = TITLE_HEIGHT + 18 * ((len(legend) + 2) // 3) + 8
    width = MARGIN * 2 + label_width + bar_width
    height = top + row_height * len(rows) + MARGIN
    parts = [_open(width, height, title, description), _legend_rows(legend, MARGIN, TITLE_HEIGHT)]
    for n, (label, counts) in enumerate(rows):
        y = top + n * row_height
        parts.append(
            f'<text x="{MARGIN + label_width - 8}" y="{y + 15}" text-anchor="end" '
            f'font-family="sans-serif" font-size="12" fill="#222222">{escape(label)}</text>'
        )
        parts += _bar(counts, MARGIN + label_width, y + 3, bar_width, row_height - 6)
    parts.append("</svg>\n")
    return "\n".join(parts)


def _bar(counts: Sequence[int], x: float, y: float, width: float, height: float) -> list[str]:
    total = sum(counts)
    if total == 0:
        return [
            f'<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="none" '
            'stroke="#999999" stroke-dasharray="3 3"/>'
        ]
    parts, left = [], x
    for band, count in enumerate(counts):
        if count:
            w = width * count / total
            parts.append(
                f'<rect x="{left:.1f}" y="{y}" width="{w:.1f}" height="{height}" '
                f'fill="{BAND_COLOURS[band]}"><title>{count}</title></rect>'
            )
            left += w
    return parts


def _open(width: float, height: float, title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-labelledby="t d">\n'
        f'<title id="t">{escape(title)}</title>\n<desc id="d">{escape(description)}</desc>\n'
        f'<rect width="100%" height="100%" fill="#ffffff"/>\n'
        f'<text x="{MARGIN}" y="30" font-family="sans-serif" font-size="18" font-weight="bold" '
        f'fill="#111111">{escape(title)}</text>'
    )


def _legend(labels: Sequence[str], x: float, y: float) -> str:
    items = []
    for band, label in enumerate(labels):
        cy = y + 18 * band
        items.append(
            f'<circle cx="{x + 6}" cy="{cy + 6}" r="6" fill="{BAND_COLOURS[band]}"/>'
            f'<text x="{x + 18}" y="{cy + 10}" font-family="sans-serif" font-size="12" '
            f'fill="#222222">{escape(label)}</text>'
        )
    return "\n".join(items)


def _legend_rows(labels: Sequence[str], x: float, y: float) -> str:
    """The legend in rows of three."""
    items = []
    for band, label in enumerate(labels):
        lx, ly = x + 250 * (band % 3), y + 18 * (band // 3)
        items.append(
            f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{BAND_COLOURS[band]}"/>'
            f'<text x="{lx + 18}" y="{ly + 11}" font-family="sans-serif" font-size="12" '
            f'fill="#222222">{escape(label)}</text>'
        )
    return "\n".join(items)


def _pt(xy: tuple[float, float], dx: float, dy: float) -> str:
    return f"{xy[0] + dx:.1f} {xy[1] + dy:.1f}"
