"""Njia listings → HSDS 3.0 objects. Pure functions of documents; no Flask, no store.

Contract: for every valid Njia document, the objects built here validate against the HSDS
compiled schemas, and :mod:`directory.exchange.hsds.parsing` turns them back into the same document
(every Njia field is carried by an HSDS field or by an attribute of a Njia taxonomy, see
``docs/hsds-profile.md``). Keys whose value is None are left out (HSDS types are not
nullable). The caller applies the visibility rules first: a location redacted for the public
arrives with ``latitude``/``longitude``/``description`` set to None and leaves without them.
"""

from __future__ import annotations

import json
from typing import Any

from directory.core.schemas import TAXONOMY
from directory.exchange.hsds.vocab import attribute, stable_id, utc_offset
from directory.store.base import link_id

Doc = dict[str, Any]
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
STATUS_TO_HSDS = {
    "active": "active",
    "inactive": "inactive",
    "temporarily_closed": "temporarily closed",
}
PHONE_TO_HSDS = {"voice": "voice", "sms": "text", "whatsapp": "cell", "hotline": "voice"}
LANGUAGE_NAMES = {
    "fr": "Français",
    "en": "English",
    "ln": "Lingala",
    "sw": "Kiswahili",
    "lua": "Tshiluba",
    "kg": "Kikongo",
    "ar": "العربية",
    "pt": "Português",
}


def _compact(obj: Doc) -> Doc:
    return {k: v for k, v in obj.items() if v is not None}


def record_attributes(entity: str, doc: Doc) -> list[Doc]:
    """``njia-field`` attributes for the bookkeeping fields every listing has."""
    ident = doc["id"]
    attrs = []
    for name in ("version", "created_at", "updated_at", "last_verified_at", "source"):
        if doc.get(name) not in (None, ""):
            attrs.append(attribute(ident, entity, "njia-field", name, doc[name]))
    if doc.get("demo"):
        attrs.append(attribute(ident, entity, "njia-field", "demo", "true"))
    return attrs + [foreign_attribute(ident, entity, kept) for kept in doc.get("attributes", [])]


def foreign_attribute(link_id: str, entity: str, kept: Doc) -> Doc:
    """An attribute of another taxonomy, given back as it was imported."""
    term_id = kept["term_id"] or stable_id("term", kept["taxonomy"], kept["code"] or kept["name"])
    term = _compact({
        "id": term_id, "code": kept["code"] or None, "taxonomy": kept["taxonomy"],
        "name": kept["name"] or kept["code"] or term_id,
        "description": kept["description"] or kept["name"] or kept["code"] or kept["taxonomy"],
    })  # fmt: skip
    attr = {
        "id": stable_id("attribute", link_id, term_id, kept["value"]),
        "link_id": link_id, "link_entity": entity, "link_type": "foreign",
        "taxonomy_term_id": term_id, "taxonomy_term": term,
    }  # fmt: skip
    if kept["value"]:
        attr["value"] = kept["value"]
    return attr


def phones(owner_field: str, owner_id: str, items: list[Doc]) -> list[Doc]:
    """HSDS phones of an organization or service (``owner_field`` is e.g. ``service_id``)."""
    out = []
    for index, phone in enumerate(items):
        ident = stable_id("phone", owner_id, index)
        hsds = {
            "id": ident,
            owner_field: owner_id,
            "number": phone["number"],
            "type": PHONE_TO_HSDS[phone["type"]],
            "description": phone.get("description") or None,
        }
        if phone["type"] in ("whatsapp", "hotline"):
            hsds["attributes"] = [
                attribute(ident, "phone", "njia-field", "phone_type", phone["type"])
            ]
        out.append(_compact(hsds))
    return out


def organization(doc: Doc) -> Doc:
    """The one-to-one fields of an organization (``organization_list`` item) and its attributes."""
    ident = doc["id"]
    attrs = [attribute(ident, "organization", "njia-field", "status", doc["status"])]
    for agreement in doc.get("referral_agreements", []):
        value = json.dumps(
            {k: agreement.get(k) for k in ("organization_id", "since", "note")},
            ensure_ascii=False,
            sort_keys=True,
        )
        attrs.append(attribute(ident, "organization", "njia-field", "referral_agreement", value))
    attrs += record_attributes("organization", doc)
    return _compact(
        {
            "id": ident,
            "name": doc["name"],
            "description": doc.get("description") or "",
            "email": doc.get("email"),
            "website": doc.get("website"),
            "phones": phones("organization_id", ident, doc.get("phones", [])),
            "attributes": attrs,
        }
    )


def organization_basic(doc: Doc) -> Doc:
    """An organization without its arrays, as nested in a service or listed in a page."""
    org = organization(doc)
    return {k: v for k, v in org.items() if not isinstance(v, list)}


def location(doc: Doc) -> Doc:
    """An HSDS ``location`` (always ``physical``: a point, P-codes and a landmark)."""
    ident = doc["id"]
    attrs = [
        attribute(ident, "location", "njia-confidentiality", doc["confidentiality"]),
        attribute(ident, "location", "njia-area", doc["adm1_pcode"], link_type="adm1"),
    ]
    if doc.get("adm2_pcode"):
        attrs.append(attribute(ident, "location", "njia-area", doc["adm2_pcode"], link_type="adm2"))
    if doc.get("tz"):
        attrs.append(attribute(ident, "location", "njia-time-zone", doc["tz"]))
    if doc.get("approximate"):
        attrs.append(attribute(ident, "location", "njia-field", "approximate", "true"))
    attrs += record_attributes("location", doc)
    access = []
    for code in doc.get("accessibility", []):
        access_id = stable_id("accessibility", ident, code)
        label = TAXONOMY.capabilities.get(code, {"en": code})["en"]
        access.append(
            {
                "id": access_id,
                "location_id": ident,
                "description": label,
                "attributes": [attribute(access_id, "accessibility", "njia-accessibility", code)],
            }
        )
    return _compact(
        {
            "id": ident,
            "location_type": "physical",
            "organization_id": doc["organization_id"],
            "name": doc["name"],
            "description": doc.get("description") or None,
            "latitude": doc.get("latitude"),
            "longitude": doc.get("longitude"),
            "accessibility": access,
            "attributes": attrs,
        }
    )


def service_at_location_id(service_id: str, location_id: str) -> str:
    """The stable id of the link between a service and one of its locations (the store's)."""
    return link_id(service_id, location_id)


def service_at_location(service: Doc, location_doc: Doc | None, location_id: str) -> Doc:
    """An HSDS ``service_at_location``; with the nested ``location`` when it is given."""
    sal: Doc = {
        "id": service_at_location_id(service["id"], location_id),
        "service_id": service["id"],
        "location_id": location_id,
    }
    if location_doc is not None:
        sal["location"] = location(location_doc)
    return sal


def service_basic(doc: Doc) -> Doc:
    """The one-to-one fields of a service (a ``service_list`` item)."""
    eligibility = doc.get("eligibility") or {}
    alert = doc.get("alert") or {}
    verified = doc.get("last_verified_at")
    return _compact(
        {
            "id": doc["id"],
            "organization_id": doc["organization_id"],
            "name": doc["name"],
            "description": doc.get("description") or "",
            "email": doc.get("email"),
            "status": STATUS_TO_HSDS[doc["status"]],
            "eligibility_description": eligibility.get("description") or None,
            "minimum_age": eligibility.get("min_age"),
            "maximum_age": eligibility.get("max_age"),
            "assured_date": verified[:10] if verified else None,
            "alert": alert.get("text"),
            "last_modified": doc.get("updated_at"),
        }
    )


def service(
    doc: Doc,
    locations: dict[str, Doc] | None = None,
    org: Doc | None = None,
    nest_locations: bool = True,
) -> Doc:
    """A fully nested HSDS ``service``.

    ``locations`` maps location ids to the (already redacted) documents of the service's
    locations; with ``nest_locations`` each ``service_at_location`` holds its location, else
    only its ``location_id``. ``org`` is nested as ``organization`` when given.
    """
    ident = doc["id"]
    located = [(locations or {}).get(lid) for lid in doc.get("location_ids", [])]
    full = service_basic(doc)
    full.update(
        phones=phones("service_id", ident, doc.get("phones", [])),
        schedules=schedules(ident, doc.get("schedule") or {}, time_zone(doc, located)),
        service_areas=service_areas(ident, doc.get("service_area", [])),
        service_at_locations=[
            service_at_location(doc, loc if nest_locations else None, lid)
            for lid, loc in zip(doc.get("location_ids", []), located, strict=True)
        ],
        languages=[
            _compact(
                {
                    "id": stable_id("language", ident, code),
                    "service_id": ident,
                    "code": code,
                    "name": LANGUAGE_NAMES.get(code),
                }
            )
            for code in doc.get("languages", [])
        ],
        attributes=service_attributes(doc),
    )
    if org is not None:
        full["organization"] = organization_basic(org)
    return full


def time_zone(doc: Doc, located: list[Doc | None]) -> str | None:
    """The zone of a service's opening hours: its locations' when they share one; for a service
    without (visible) locations, its first service area's; else None (no ``timezone``)."""
    zones = {loc.get("tz") for loc in located if loc is not None}
    if zones:
        return zones.pop() if len(zones) == 1 else None
    areas = doc.get("service_area") or []
    return TAXONOMY.time_zone_for(areas[0]) if areas else None


def service_attributes(doc: Doc) -> list[Doc]:
    """Needs, capabilities, sexes served, remote, alert, capacity and bookkeeping."""
    ident = doc["id"]
    attrs = [attribute(ident, "service", "njia-need", code) for code in doc["needs"]]
    out_of_stock = set(doc.get("stock_out", []))
    for code in doc.get("capabilities", []):
        value = "out_of_stock" if code in out_of_stock else "available"
        attrs.append(attribute(ident, "service", "njia-capability", code, value))
    for sex in (doc.get("eligibility") or {}).get("sexes", []):
        attrs.append(attribute(ident, "service", "njia-sex", sex, link_type="eligibility"))
    if doc.get("remote"):
        attrs.append(attribute(ident, "service", "njia-field", "remote", "true"))
    alert = doc.get("alert")
    if alert:
        blocking = "true" if alert.get("blocking") else "false"
        attrs.append(attribute(ident, "service", "njia-field", "alert_blocking", blocking))
        if alert.get("expires_at"):
            expires = alert["expires_at"]
            attrs.append(attribute(ident, "service", "njia-field", "alert_expires_at", expires))
    capacity = doc.get("capacity")
    if capacity:
        for name in ("available", "total", "updated_at"):
            if capacity.get(name) is not None:
                value = capacity[name]
                attrs.append(attribute(ident, "service", "njia-field", f"capacity_{name}", value))
    if doc.get("places_available"):  # the public view of capacity: no counts
        places = doc["places_available"]
        attrs.append(attribute(ident, "service", "njia-field", "places_available", places))
    return attrs + record_attributes("service", doc)


def service_areas(service_id: str, pcodes: list[str]) -> list[Doc]:
    """One HSDS ``service_area`` per P-code covered, named after the area."""
    out = []
    for pcode in pcodes:
        ident = stable_id("service_area", service_id, pcode)
        area = TAXONOMY.areas[pcode]
        out.append(
            {
                "id": ident,
                "service_id": service_id,
                "name": area.name,
                "description": f"{area.name} ({pcode})",
                "attributes": [attribute(ident, "service_area", "njia-area", pcode)],
            }
        )
    return out


def schedules(service_id: str, schedule: Doc, zone: str | None) -> list[Doc]:
    """Weekly opening hours as HSDS ``schedule`` objects, one per Njia ``hours`` entry, in order.

    ``always_open`` becomes a schedule of every day 00:00–23:59 marked with the ``always_open``
    attribute; a description with no hours becomes a schedule holding only the description.
    """
    offset = utc_offset(zone)
    description = schedule.get("description") or None
    out: list[Doc] = []

    def add(index: object, **fields: Any) -> Doc:
        item = _compact(
            {
                "id": stable_id("schedule", service_id, index),
                "service_id": service_id,
                **fields,
                "timezone": offset if "opens_at" in fields else None,
                "description": description,
            }
        )
        out.append(item)
        return item

    if schedule.get("always_open"):
        item = add(
            "always_open",
            freq="WEEKLY",
            byday=",".join(WEEKDAYS),
            opens_at="00:00",
            closes_at="23:59",
        )
        item["attributes"] = [
            attribute(item["id"], "schedule", "njia-field", "always_open", "true")
        ]
    for index, hours in enumerate(schedule.get("hours", [])):
        add(
            index,
            freq="WEEKLY",
            byday=WEEKDAYS[hours["weekday"]],
            opens_at=hours["opens"],
            closes_at=hours["closes"],
        )
    if not out and description:
        add("description")
    return out


def full_organization(
    doc: Doc, locations: list[Doc], services: list[Doc], nested_services: bool = True
) -> Doc:
    """A fully nested HSDS ``organization`` with its ``locations`` and ``services``.

    With ``nested_services`` the services are fully nested (their ``service_at_locations``
    name the location by id only, as the locations are listed beside them); otherwise each
    service has its one-to-one fields only.
    """
    org = organization(doc)
    org["locations"] = [location(loc) for loc in locations]
    by_id = {loc["id"]: loc for loc in locations}
    org["services"] = [
        service(s, by_id, nest_locations=False) if nested_services else service_basic(s)
        for s in services
    ]
    return org
