"""Turn the healthsites.io extract (OSM, ODbL) into unverified medical listings.

Each facility becomes an organization, a public location and one ``medical`` service with no
capability assumed: OpenStreetMap does not say whether a facility gives PEP, so these listings
never qualify for urgent clinical care until a provider or coordinator records it. Pharmacies
and dentists are left out (they do not give post-rape clinical care). Ids are derived from the
OSM id, so loading twice changes nothing.
"""

from __future__ import annotations

import csv
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import phonenumbers

from directory.schemas import stored_schema
from directory.store.base import Document
from directory.taxonomy import SEED_DIR

FACILITIES_CSV = SEED_DIR / "facilities" / "cod_healthsites_2020.csv"
NAMESPACE = uuid.UUID("0b5f2c52-9f0e-4d8a-a3f5-3b1e0f6a7c21")
SOURCE = "healthsites.io / © OpenStreetMap contributors (ODbL 1.0)"
INCLUDED_AMENITIES = {"hospital": "Hôpital", "clinic": "Clinique", "doctors": "Cabinet médical"}
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_RULE = re.compile(r"^(?:(?P<days>[A-Z][a-z](?:-[A-Z][a-z])?(?:,[A-Z][a-z])*)\s+)?(?P<times>.+)$")
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def facility_listings(path: Path = FACILITIES_CSV) -> Iterator[tuple[str, Document]]:
    """Stored documents (organization, location, service) for each included facility."""
    seen: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            amenity = row["amenity"] or "clinic"
            key = (row["osm_type"], row["osm_id"])
            if amenity in INCLUDED_AMENITIES and key not in seen:
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
    phones = []
    for part in re.split(r"[;,/]", raw):
        try:
            number = phonenumbers.parse(part.strip(), "CD")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            formatted = phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
            phones.append({"number": formatted, "type": "voice", "description": ""})
    return phones


def parse_opening_hours(text: str) -> dict[str, Any]:
    """Parse the simple OSM ``opening_hours`` forms found in the data into a Njia schedule.

    Handles ``24/7``, ``Mo-Fr 08:00-16:00; Sa 09:00-12:00`` and day-less ``08:30-12:30,15:30-
    20:00`` (every day). Anything else is kept, unparsed, as the schedule's description.
    """
    text = text.strip()
    if not text:
        return {"always_open": False, "hours": [], "description": ""}
    if text == "24/7":
        return {"always_open": True, "hours": [], "description": ""}
    hours = []
    for rule in (r.strip() for r in text.split(";") if r.strip()):
        parsed = _rule_hours(rule)
        if parsed is None:
            return {"always_open": False, "hours": [], "description": text[:500]}
        hours.extend(parsed)
    return {"always_open": False, "hours": hours, "description": ""}


def _rule_hours(rule: str) -> list[dict[str, Any]] | None:
    match = _RULE.match(rule)
    if match is None:
        return None
    days = _days(match["days"]) if match["days"] else list(range(7))
    spans = [_SPAN.match(s.strip()) for s in match["times"].split(",")]
    if days is None or not all(spans):
        return None
    return [
        {"weekday": d, "opens": f"{s[1]}:{s[2]}", "closes": _closing(s[3], s[4])}
        for d in days
        for s in spans
        if s is not None
    ]


def _closing(hour: str, minute: str) -> str:
    return "23:59" if hour == "24" else f"{hour}:{minute}"


def _days(spec: str) -> list[int] | None:
    days: list[int] = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            return None
        start, end = DAYS.index(first), DAYS.index(last or first)
        days.extend(range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)])
    return days
