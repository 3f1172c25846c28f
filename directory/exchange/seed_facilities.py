"""Turn the healthsites.io extract (OSM, ODbL) into unverified medical listings.

Each facility becomes an organization, a public location and one ``medical`` service with no
capability assumed: OpenStreetMap does not say whether a facility gives PEP, so these listings
never qualify for urgent clinical care until a provider or coordinator records it. Pharmacies
and dentists are left out (they do not give post-rape clinical care). Ids are derived from the
OSM id, so loading twice changes nothing. Places that cannot give post-rape clinical care are
left out as well, from their tags and names (:func:`gives_no_gbv_care`): traditional healers,
herbalists, laboratories, opticians, dentists. Phones and opening hours are read by
:mod:`directory.core.contact_info` (shared with the spreadsheet import).
"""

from __future__ import annotations

import csv
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from directory.core.contact_info import parse_opening_hours, parse_phones
from directory.core.schemas import OPEN_DATA_SOURCE, stored_schema
from directory.core.taxonomy import SEED_DIR
from directory.store.base import Document

FACILITIES_CSV = SEED_DIR / "facilities" / "cod_healthsites_2020.csv"
NAMESPACE = uuid.UUID("0b5f2c52-9f0e-4d8a-a3f5-3b1e0f6a7c21")
SOURCE = OPEN_DATA_SOURCE
INCLUDED_AMENITIES = {"hospital": "Hôpital", "clinic": "Clinique", "doctors": "Cabinet médical"}


NO_GBV_CARE_HEALTHCARE = frozenset(
    {"pharmacy", "optometrist", "blood_donation", "laboratory", "dentist", "alternative"}
)
"""OSM ``healthcare=*`` values of places that do not give post-rape clinical care."""
NO_GBV_CARE_SPECIALITIES = frozenset(
    {"acupuncture", "chiropractic", "osteopathy", "dentistry", "ophthalmology", "optometry"}
)
NO_GBV_CARE_NAME = re.compile(
    r"\b(tradi|tradipraticien\w*|tradi-?praticien\w*|gu[ée]risseu\w*|herboris\w*|naturo\w*"
    r"|phyto\w*|labo|laboratoire|optique|opticien\w*|dentaire|dentiste|buco-dentaire)\b",
    re.IGNORECASE,
)
"""Names that say what OSM's tags do not: traditional healers (``TRADI …``), herbalists,
laboratories, opticians and dentists, tagged ``amenity=doctors`` or ``clinic`` in the extract."""


def gives_no_gbv_care(row: dict[str, str]) -> bool:
    """Whether an OSM facility cannot give post-rape clinical care, from its tags and name:
    such a point is never offered for ``medical`` (docs/decisions.md)."""
    specialities = {s.strip() for s in row.get("speciality", "").split(";") if s.strip()}
    return (
        row.get("healthcare", "").strip('"') in NO_GBV_CARE_HEALTHCARE
        or (bool(specialities) and specialities <= NO_GBV_CARE_SPECIALITIES)
        or NO_GBV_CARE_NAME.search(row.get("name", "")) is not None
    )


def facility_listings(path: Path = FACILITIES_CSV) -> Iterator[tuple[str, Document]]:
    """Stored documents (organization, location, service) for each included facility."""
    seen: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            amenity = row["amenity"] or "clinic"
            key = (row["osm_type"], row["osm_id"])
            if amenity in INCLUDED_AMENITIES and key not in seen and not gives_no_gbv_care(row):
                seen.add(key)
                yield from _listings(row, amenity)


def _listings(row: dict[str, str], amenity: str) -> Iterator[tuple[str, Document]]:
    key = f"healthsites:{row['osm_type']}/{row['osm_id']}"
    ids = {k: str(uuid.uuid5(NAMESPACE, f"{key}/{k}")) for k in ("org", "loc", "svc")}
    name = row["name"].strip() or f"{INCLUDED_AMENITIES[amenity]} sans nom (OSM {row['osm_id']})"
    stamp = _timestamp(row["changeset_timestamp"])
    common = {"source": SOURCE, "demo": False, "last_verified_at": None, "version": 1,
              "created_at": stamp, "updated_at": stamp}  # fmt: skip
    phones = _phones(row["contact_number"])
    yield "organization", _stored("organization", {
        **common, "id": ids["org"], "name": name[:200], "phones": phones,
    })  # fmt: skip
    zone = row["is_in_health_zone"].strip()
    yield "location", _stored("location", {
        **common, "id": ids["loc"], "organization_id": ids["org"], "name": name[:200],
        "description": f"Zone de santé {zone}" if zone else "",
        "latitude": round(float(row["lat"]), 6), "longitude": round(float(row["lon"]), 6),
        "tz": row["tz"], "adm1_pcode": row["adm1_pcode_approx"],
        "accessibility": ["wheelchair"] if row["wheelchair"] == "yes" else [],
    })  # fmt: skip
    yield "service", _stored("service", {
        **common, "id": ids["svc"], "organization_id": ids["org"],
        "name": f"Soins de santé – {name}"[:200], "needs": ["medical"],
        "location_ids": [ids["loc"]], "schedule": parse_opening_hours(row["opening_hours"]),
        "phones": phones,
    })  # fmt: skip


def _stored(kind: str, data: dict[str, Any]) -> Document:
    schema = stored_schema(kind)
    document: Document = schema.dump(schema.load(data))
    return document


def _timestamp(osm: str) -> str:
    return osm.replace("Z", "+00:00") if osm else "2020-03-17T00:00:00+00:00"


def _phones(raw: str) -> list[dict[str, str]]:
    """Valid DRC numbers in international format; anything unparseable is dropped."""
    return parse_phones(raw)[0]
