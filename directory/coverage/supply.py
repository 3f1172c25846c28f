"""Which services count for a need, and where they can be reached.

A *target* is a need code (``medical``, ``legal``, ...) or :data:`PEP_24H`: medical services
that record the ``pep`` capability (not out of stock) and are open 24 hours a day, 7 days a week
— the services that can start HIV post-exposure prophylaxis whenever a survivor arrives.

A service counts when it and its organization are active, it meets the target, and no
unexpired *blocking* alert suspends it. It is then reached in one of two ways:

- **in person, at a point**: its public and restricted locations (remote services have none);
- **by area**: remote services (hotlines) and services at confidential locations (safe
  shelters) cover the P-codes of their ``service_area``. A confidential location's point is
  never used, so no distance, map or count can reveal where a shelter is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from directory.core.taxonomy import get_taxonomy
from directory.coverage.places import TerritoryLocator, territory_locator
from directory.coverage.snapshot import Snapshot, parse_time
from directory.store.base import Document
from matching.model import NEEDS

PEP_24H = "pep_24h"
TARGETS: tuple[str, ...] = (*NEEDS, PEP_24H)
"""Everything coverage can be computed for: the eleven needs, then 24/7 PEP."""


@dataclass(frozen=True, slots=True)
class SupplyPoint:
    """A counting service at one of its non-confidential locations."""

    service_id: str
    location_id: str
    lat: float
    lon: float
    province_pcode: str
    territory_pcode: str | None


@dataclass(frozen=True)
class Supply:
    """Where a target can be reached: points (in person) and areas covered (remote or
    confidential services: ``service_id`` → P-codes of its ``service_area``)."""

    target: str
    points: tuple[SupplyPoint, ...]
    by_area: dict[str, frozenset[str]]


def meets(service: Document, target: str) -> bool:
    """Whether the service offers the target (need, or 24/7 PEP with PEP in stock)."""
    if target == PEP_24H:
        return (
            "medical" in service["needs"]
            and "pep" in service["capabilities"]
            and "pep" not in service.get("stock_out", [])
            and bool(service["schedule"]["always_open"])
        )
    return target in service["needs"]


def is_operating(service: Document, organization: Document, at: datetime) -> bool:
    """Active, of an active organization, and not suspended by a live blocking alert."""
    if service["status"] != "active" or organization.get("status") != "active":
        return False
    alert = service.get("alert")
    if not alert or not alert.get("blocking"):
        return True
    expires = parse_time(alert.get("expires_at"))
    return expires is not None and expires <= at


def counting_services(snapshot: Snapshot, target: str, at: datetime) -> Iterator[Document]:
    """The services that count for ``target`` at ``at``, in id order."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}")
    for service in snapshot.services:
        if meets(service, target) and is_operating(service, snapshot.organization_of(service), at):
            yield service


def supply(
    snapshot: Snapshot, target: str, at: datetime, locator: TerritoryLocator | None = None
) -> Supply:
    """Points and area coverage of ``target`` (see the module docstring)."""
    locator = locator or territory_locator()
    points: list[SupplyPoint] = []
    by_area: dict[str, frozenset[str]] = {}
    for service in counting_services(snapshot, target, at):
        located = [snapshot.locations.get(i) for i in service["location_ids"]]
        present = [loc for loc in located if loc is not None]
        if service["remote"] or any(loc["confidentiality"] == "confidential" for loc in present):
            by_area[service["id"]] = frozenset(service["service_area"])
        if service["remote"]:
            continue
        for loc in present:
            if loc["confidentiality"] != "confidential":
                points.append(_point(service, loc, locator))
    points.sort(key=lambda p: (p.service_id, p.location_id))
    return Supply(target, tuple(points), by_area)


def _point(service: Document, loc: Document, locator: TerritoryLocator) -> SupplyPoint:
    return SupplyPoint(
        service_id=service["id"],
        location_id=loc["id"],
        lat=loc["latitude"],
        lon=loc["longitude"],
        province_pcode=loc["adm1_pcode"],
        territory_pcode=locator.of_location(loc),
    )


def covers(service_area: frozenset[str], pcode: str) -> bool:
    """Whether a service area reaches an area: it names the area, its province, or (for a
    province) one of its territories."""
    if pcode in service_area:
        return True
    taxonomy = get_taxonomy()
    province = taxonomy.province_of(pcode)
    if province != pcode:
        return province in service_area
    return any(taxonomy.province_of(code) == pcode for code in service_area)
