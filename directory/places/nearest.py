"""Distance to the nearest of a set of points, for thousands of queries, in pure Python.

:class:`NearestIndex` is a k-d tree over the points as unit vectors (x, y, z): the straight
chord between two unit vectors grows with their great-circle angle, so the tree finds the
point nearest on the sphere quickly, however clustered the points are (a third of the DRC's
health facilities are in Kinshasa). The answer must be the nearest on the ellipsoid, by
:func:`matching.geo.distance_km` (Andoyer-Lambert on WGS-84, within 2e-6 of the exact geodesic
in the DRC), so the search then takes every point whose spherical angle could still beat that
candidate's distance and returns the exact minimum among them — the brute-force answer.

The bound: in geodetic coordinates the ellipsoid's radii of curvature are at least
b²/a = 6335.4 km, so a geodesic is at least 6335.4 km times the spherical angle between the
same latitudes and longitudes; :data:`MIN_KM_PER_RADIAN` keeps a further 1 % margin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matching.geo import distance_km

MIN_KM_PER_RADIAN = 6335.0 * 0.99
LEAF_SIZE = 8

Vector = tuple[float, float, float]
Node = tuple[Any, ...]
"""Inner node ``(axis, split, below, above)``; leaf ``(-1, point indices)``."""


def unit_vector(lat: float, lon: float) -> Vector:
    """The point on the unit sphere with this latitude and longitude (degrees)."""
    phi, lam = math.radians(lat), math.radians(lon)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


class NearestIndex:
    """An immutable index of (latitude, longitude) points answering nearest-point queries."""

    def __init__(self, points: Sequence[tuple[float, float]]) -> None:
        self.points = list(points)
        self.vectors = [unit_vector(lat, lon) for lat, lon in self.points]
        self.root: Node | None = self._build(list(range(len(self.points)))) if self.points else None

    def _build(self, indices: list[int]) -> Node:
        if len(indices) <= LEAF_SIZE:
            return (-1, indices)
        vectors = self.vectors
        spreads = [
            max(vectors[i][a] for i in indices) - min(vectors[i][a] for i in indices)
            for a in range(3)
        ]
        axis = spreads.index(max(spreads))
        indices.sort(key=lambda i: vectors[i][axis])
        middle = len(indices) // 2
        split = vectors[indices[middle]][axis]
        return (axis, split, self._build(indices[:middle]), self._build(indices[middle:]))

    def nearest(self, lat: float, lon: float) -> tuple[float, int] | None:
        """(distance in km, index) of the nearest point, or None when there are no points.

        Exactly the minimum of :func:`matching.geo.distance_km` over all points; ties go to
        the lowest index, as a scan in index order would.
        """
        if self.root is None:
            return None
        if self.root[0] < 0:  # a handful of points: a scan is quicker than any search
            return min((distance_km(lat, lon, *p), i) for i, p in enumerate(self.points))
        q = unit_vector(lat, lon)
        first = self._nearest_chord(q)
        bound_km = distance_km(lat, lon, *self.points[first])
        angle = bound_km / MIN_KM_PER_RADIAN
        chord = 2.0 if angle >= math.pi else 2 * math.sin(angle / 2) * (1 + 1e-9) + 1e-12
        return min((distance_km(lat, lon, *self.points[i]), i) for i in self._within(q, chord))

    def _nearest_chord(self, q: Vector) -> int:
        """Index of the point with the shortest chord to ``q`` (any one of equals)."""
        best_d2, best = math.inf, -1
        stack: list[tuple[Node, float]] = [(self.root or (-1, []), 0.0)]
        vectors = self.vectors
        while stack:
            node, bound = stack.pop()
            if bound >= best_d2:
                continue
            if node[0] < 0:
                for i in node[1]:
                    v = vectors[i]
                    d2 = (v[0] - q[0]) ** 2 + (v[1] - q[1]) ** 2 + (v[2] - q[2]) ** 2
                    if d2 < best_d2:
                        best_d2, best = d2, i
                continue
            axis, split, below, above = node
            diff = q[axis] - split
            near, far = (below, above) if diff < 0 else (above, below)
            stack.append((far, diff * diff))
            stack.append((near, bound))
        return best

    def _within(self, q: Vector, chord: float) -> list[int]:
        """Indices of every point whose chord to ``q`` is at most ``chord``."""
        r2 = chord * chord
        found: list[int] = []
        stack: list[Node] = [self.root or (-1, [])]
        vectors = self.vectors
        while stack:
            node = stack.pop()
            if node[0] < 0:
                for i in node[1]:
                    v = vectors[i]
                    if (v[0] - q[0]) ** 2 + (v[1] - q[1]) ** 2 + (v[2] - q[2]) ** 2 <= r2:
                        found.append(i)
                continue
            axis, split, below, above = node
            diff = q[axis] - split
            if diff < 0 or diff * diff <= r2:
                stack.append(below)
            if diff >= 0 or diff * diff <= r2:
                stack.append(above)
        return found
