"""Baselines for "the 10 nearest service locations meeting one need", run on the same points.

- a Python loop with geopy's ``geodesic`` (brute force; only run at small sizes);
- a vectorised numpy haversine scan over the locations meeting the need;
- an exact in-memory k-d tree (scipy ``cKDTree``) over unit-sphere xyz, one per need: the
  practical limit of any index;
- PostGIS geography KNN (GiST index, ``ORDER BY geog <-> point LIMIT 10``) with the need as a
  filter, through psycopg on a loopback socket (see :mod:`benchmarks.postgis`).

Each works from the service locations of the SQLite directory being benchmarked.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
from geopy.distance import geodesic
from scipy.spatial import cKDTree

K = 10
EARTH_KM = 6371.0088
POINTS_SQL = """
SELECT r.min_lat, r.min_lon, n.need
FROM location_rtree AS r
JOIN location AS l ON l.rid = r.rid
JOIN service_at_location AS sal ON sal.location_id = l.id
JOIN service_need AS n ON n.service_id = sal.service_id
"""


def points_by_need(path: Path) -> dict[str, np.ndarray]:
    """Latitude/longitude (degrees, shape (n, 2)) of the locations of each need's services."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(POINTS_SQL).fetchall()
    by_need: dict[str, list[tuple[float, float]]] = {}
    for lat, lon, need in rows:
        by_need.setdefault(need, []).append((lat, lon))
    return {need: np.array(points, dtype=np.float64) for need, points in by_need.items()}


def unit_xyz(latlon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere for degrees ``latlon`` of shape (n, 2)."""
    lat, lon = np.radians(latlon[:, 0]), np.radians(latlon[:, 1])
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


class GeopyScan:
    """Brute force: geopy's geodesic to every location, then the ``K`` smallest."""

    def __init__(self, latlon: np.ndarray) -> None:
        self.points = [tuple(p) for p in latlon.tolist()]

    def __call__(self, q: tuple[float, float]) -> list[int]:
        dist = [geodesic(q, p).km for p in self.points]
        return sorted(range(len(dist)), key=dist.__getitem__)[:K]


class NumpyScan:
    """Vectorised haversine over every location, then ``argpartition``."""

    def __init__(self, latlon: np.ndarray) -> None:
        self.lat = np.radians(latlon[:, 0])
        self.lon = np.radians(latlon[:, 1])
        self.cos_lat = np.cos(self.lat)

    def __call__(self, q: tuple[float, float]) -> np.ndarray:
        qlat, qlon = math.radians(q[0]), math.radians(q[1])
        h = (
            np.sin((self.lat - qlat) / 2) ** 2
            + math.cos(qlat) * self.cos_lat * np.sin((self.lon - qlon) / 2) ** 2
        )
        d = 2 * EARTH_KM * np.arcsin(np.sqrt(h))
        k = min(K, len(d) - 1)
        nearest = np.argpartition(d, k)[:K]
        return nearest[np.argsort(d[nearest])]


class KdTree:
    """Exact nearest neighbours by chord length on the unit sphere (same order as arc length)."""

    def __init__(self, latlon: np.ndarray) -> None:
        self.tree = cKDTree(unit_xyz(latlon))

    def __call__(self, q: tuple[float, float]) -> Any:
        return self.tree.query(unit_xyz(np.array([q]))[0], k=K)[1]
