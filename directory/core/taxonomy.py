"""Reference vocabularies: needs, capabilities, administrative areas and time zones.

Loaded once per process from ``seed_data/`` (read-only data shipped with the code). The need
codes must equal :data:`matching.model.NEEDS`; a test checks it.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import seed_data

SEED_DIR = Path(seed_data.__file__).resolve().parent
TIME_ZONES = ("Africa/Kinshasa", "Africa/Lubumbashi")
LANGUAGE_CODE = r"^[a-z]{2,3}$"
"""An ISO 639-1 or 639-3 code, e.g. ``fr``, ``sw``, ``ln``, ``lua`` (Tshiluba), ``kg``."""


@dataclass(frozen=True)
class Area:
    """An OCHA administrative area: level 1 is a province, level 2 a territory or town."""

    pcode: str
    name: str
    level: int
    parent_pcode: str | None


@dataclass(frozen=True)
class Taxonomy:
    """The controlled vocabularies every listing is validated against."""

    needs: dict[str, dict[str, str]]
    capabilities: dict[str, dict[str, str]]
    accessibility: frozenset[str]
    areas: dict[str, Area]
    kinshasa_provinces: frozenset[str]

    def province_of(self, pcode: str) -> str | None:
        """The province P-code of ``pcode`` (itself for a province), or None if unknown."""
        area = self.areas.get(pcode)
        if area is None:
            return None
        return area.pcode if area.level == 1 else area.parent_pcode

    def time_zone_for(self, pcode: str | None) -> str | None:
        """The IANA time zone of an area's province (DRC: Kinshasa west, Lubumbashi east)."""
        province = self.province_of(pcode) if pcode else None
        if province is None:
            return None
        return "Africa/Kinshasa" if province in self.kinshasa_provinces else "Africa/Lubumbashi"


def _load_areas(path: Path) -> dict[str, Area]:
    areas = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            level = int(row["admin_level"])
            parent = row["parent_pcode"] if level > 1 else None  # provinces' parent is "COD"
            areas[row["pcode"]] = Area(row["pcode"], row["name"], level, parent)
    return areas


@cache
def get_taxonomy(seed_dir: Path = SEED_DIR) -> Taxonomy:
    """Load and cache the taxonomy from ``seed_dir``."""
    data = json.loads((seed_dir / "taxonomy.json").read_text(encoding="utf-8"))
    return Taxonomy(
        needs={item["code"]: item for item in data["needs"]},
        capabilities={item["code"]: item for item in data["capabilities"]},
        accessibility=frozenset(data["accessibility"]),
        areas=_load_areas(seed_dir / "gazetteer" / "admin_areas.csv"),
        kinshasa_provinces=frozenset(data["time_zones"]["Africa/Kinshasa"]),
    )
