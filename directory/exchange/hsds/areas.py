"""Where foreign HSDS data is in the DRC: a location's province (its point, an address, or the
import's default) and a service's areas (``njia-area`` attributes or area names)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from directory.core.schemas import TAXONOMY
from directory.exchange.hsds import attributes
from directory.places.gazetteer import get_gazetteer
from directory.places.names import normalise

Doc = dict[str, Any]


def province_of(obj: Doc, default: str | None) -> str | None:
    """A province for a placed location: the point's, an address's, or ``default``."""
    found = get_gazetteer().area_pcodes(obj["latitude"], obj["longitude"])
    if found:
        return next(iter(found))
    by_name = {normalise(a.name): a.pcode for a in TAXONOMY.areas.values() if a.level == 1}
    for address in obj.get("addresses") or []:
        for key in ("state_province", "region"):
            pcode = by_name.get(normalise(str(address.get(key) or "")))
            if pcode:
                return pcode
    return default


def service_area(obj: Doc, notes: Counter[str]) -> list[str]:
    """The P-codes of a service's ``service_areas`` (areas that are not DRC areas are counted
    in ``notes`` and left out)."""
    by_name = {normalise(a.name): a.pcode for a in TAXONOMY.areas.values()}
    codes: list[str] = []
    for item in obj.get("service_areas") or []:
        found = [t.code for t, _ in attributes.terms(item) if t.taxonomy == "njia-area"]
        found = found or [by_name.get(normalise(str(item.get("name") or "")), "")]
        if not found[0]:
            notes["service areas that are not DRC areas (P-codes)"] += 1
        codes += [c for c in found if c and c not in codes]
    return codes


def withheld_area(obj: Doc) -> list[str] | None:
    """For a restricted location of a Njia public feed (which withholds its point), the most
    precise area it names (one P-code, or none); None for any other location."""
    found = attributes.terms(obj)
    tiers = {t.code for t, _ in found if t.taxonomy == "njia-confidentiality"}
    if tiers != {"restricted"}:
        return None
    codes = sorted(
        (t.code for t, _ in found if t.taxonomy == "njia-area"),
        key=lambda code: -TAXONOMY.areas[code].level,
    )
    return codes[:1]
