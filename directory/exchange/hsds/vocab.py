"""Njia's vocabularies as HSDS taxonomies, terms and attributes, with stable identifiers.

Every identifier Njia publishes in HSDS that is not a listing id (taxonomies, terms, attributes,
phones, schedules, service_at_location, ...) is a UUID 5 of :data:`NAMESPACE` and a path naming
what it identifies, so an export is byte-for-byte stable and an HSDS consumer can diff two.

The taxonomies (documented in ``docs/hsds-profile.md``):

=========================  ==================================================================
``njia-need``              needs a service meets (service attributes)
``njia-capability``        capabilities of a service; value ``available`` or ``out_of_stock``
``njia-sex``               sexes a service is for (service attributes, eligibility)
``njia-area``              OCHA P-codes: provinces, and territories/towns under them
``njia-confidentiality``   a location's tier: public, restricted, confidential
``njia-time-zone``         a location's IANA time zone
``njia-accessibility``     accessibility of a location
``njia-field``             Njia fields HSDS has no field for; the attribute ``value`` holds it
=========================  ==================================================================
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from directory.core.schemas import TAXONOMY
from directory.core.taxonomy import TIME_ZONES
from directory.store.base import LINK_NAMESPACE

NAMESPACE = LINK_NAMESPACE
"""Namespace of Njia's derived HSDS identifiers (never change it: ids would all change)."""

FIELD_TERMS: dict[str, str] = {
    "remote": "The service is delivered remotely (hotline): true.",
    "always_open": "Open 24 hours a day, 7 days a week: true.",
    "approximate": "The location's point was taken from a place name, not measured: true.",
    "alert_blocking": "The alert stops referrals while it lasts: true or false.",
    "alert_expires_at": "When the alert ends (ISO 8601 date-time).",
    "capacity_available": "Places (e.g. shelter beds) available now.",
    "capacity_total": "Places in all.",
    "capacity_updated_at": "When capacity was last counted (ISO 8601 date-time).",
    "places_available": "The public view of capacity: yes, no or unknown (no counts).",
    "phone_type": "Njia's phone type when HSDS's does not say it: whatsapp or hotline.",
    "status": "Status of an organization: active or inactive.",
    "referral_agreement": 'A referral agreement: JSON {"organization_id", "since", "note"}.',
    "source": "Where the listing's information comes from.",
    "demo": "A fictional demonstration listing: true.",
    "last_verified_at": "When a coordinator last verified the listing (ISO 8601 date-time).",
    "created_at": "When the listing was created in Njia (ISO 8601 date-time).",
    "updated_at": "When the listing last changed in Njia (ISO 8601 date-time).",
    "version": "The listing's version in Njia (1, 2, ...).",
}
SEXES = {"female": ("Female", "Femmes"), "male": ("Male", "Hommes"), "other": ("Other", "Autres")}
TIERS = {
    "public": ("Public", "Point and landmark shown to everyone."),
    "restricted": ("Restricted", "Point and landmark shown to signed-in caseworkers only."),
    "confidential": ("Confidential", "Safe shelter: never published."),
}
TAXONOMIES: dict[str, str] = {
    "njia-need": "Needs of survivors of GBV and SEA that a service meets.",
    "njia-capability": "What a service can do (PEP, emergency contraception, ...).",
    "njia-sex": "Sexes a service is for.",
    "njia-area": "OCHA administrative areas of the DR Congo (P-codes, COD-AB 2019).",
    "njia-confidentiality": "Confidentiality tier of a location.",
    "njia-time-zone": "IANA time zone of a location.",
    "njia-accessibility": "Accessibility of a location.",
    "njia-field": "Njia fields that HSDS 3.0 has no field for; the attribute value holds them.",
}


def stable_id(*parts: object) -> str:
    """A UUID 5 naming ``parts`` (e.g. ``stable_id("phone", org_id, 0)``)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def njia_id(hsds_id: object) -> str:
    """The Njia id of an HSDS id: itself when it is a UUID (normalised), else a UUID 5 of it."""
    text = str(hsds_id).strip()
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return stable_id("hsds-id", text)


@dataclass(frozen=True)
class Term:
    """One term of a Njia taxonomy."""

    taxonomy: str
    code: str
    name: str
    description: str
    parent: str | None = None

    @property
    def id(self) -> str:
        return stable_id("taxonomy_term", self.taxonomy, self.code)

    def hsds(self) -> dict[str, Any]:
        """The HSDS ``taxonomy_term`` object."""
        term: dict[str, Any] = {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "taxonomy": self.taxonomy,
            "taxonomy_id": taxonomy_id(self.taxonomy),
            "language": "en",
        }
        if self.parent:
            term["parent_id"] = term_id(self.taxonomy, self.parent)
        return term


def taxonomy_id(name: str) -> str:
    return stable_id("taxonomy", name)


def term_id(taxonomy: str, code: str) -> str:
    return stable_id("taxonomy_term", taxonomy, code)


def taxonomy(name: str) -> dict[str, Any]:
    """The HSDS ``taxonomy`` object of a Njia taxonomy."""
    return {
        "id": taxonomy_id(name),
        "name": name,
        "description": TAXONOMIES[name],
        "version": "1",
    }


@cache
def all_terms() -> tuple[Term, ...]:
    """Every term of every Njia taxonomy, taxonomy by taxonomy, in a fixed order."""
    terms: list[Term] = []
    for code, item in TAXONOMY.needs.items():
        terms.append(Term("njia-need", code, item["en"], item["fr"]))
    for code, item in TAXONOMY.capabilities.items():
        terms.append(Term("njia-capability", code, item["en"], item["fr"]))
    for code, (en, fr) in SEXES.items():
        terms.append(Term("njia-sex", code, en, fr))
    for area in sorted(TAXONOMY.areas.values(), key=lambda a: (a.level, a.pcode)):
        level = "Province" if area.level == 1 else "Territory or town"
        parent = area.parent_pcode if area.level > 1 else None
        terms.append(Term("njia-area", area.pcode, area.name, f"{level} (P-code).", parent))
    for code, (name, text) in TIERS.items():
        terms.append(Term("njia-confidentiality", code, name, text))
    for zone in TIME_ZONES:
        offset = utc_offset(zone)
        terms.append(Term("njia-time-zone", zone, zone, f"UTC+{offset}, no daylight saving."))
    for code in sorted(TAXONOMY.accessibility):
        label = TAXONOMY.capabilities.get(code, {"en": code, "fr": code})
        terms.append(Term("njia-accessibility", code, label["en"], label["fr"]))
    for code, text in FIELD_TERMS.items():
        terms.append(Term("njia-field", code, code, text))
    return tuple(terms)


@cache
def terms_by_id() -> dict[str, Term]:
    return {t.id: t for t in all_terms()}


@cache
def terms_by_code() -> dict[tuple[str, str], Term]:
    return {(t.taxonomy, t.code): t for t in all_terms()}


def utc_offset(zone: str | None) -> int | None:
    """The fixed UTC offset in hours of a DRC time zone (neither observes daylight saving)."""
    return {"Africa/Kinshasa": 1, "Africa/Lubumbashi": 2}.get(zone or "")


def attribute(
    link_id: str,
    link_entity: str,
    taxonomy_name: str,
    code: str,
    value: object = None,
    link_type: str | None = None,
) -> dict[str, Any]:
    """An HSDS ``attribute`` linking the term ``taxonomy_name:code`` to an object."""
    term = terms_by_code()[(taxonomy_name, code)]
    attr: dict[str, Any] = {
        "id": stable_id("attribute", link_id, taxonomy_name, code, "" if value is None else value),
        "link_id": link_id,
        "taxonomy_term_id": term.id,
        "link_type": link_type or taxonomy_name.removeprefix("njia-"),
        "link_entity": link_entity,
    }
    if value is not None:
        attr["value"] = str(value)
    attr["taxonomy_term"] = term.hsds()
    return attr


def recognise(attr: dict[str, Any]) -> Term | None:
    """The Njia term an HSDS attribute refers to, by term id or by (taxonomy, code); else None."""
    term = terms_by_id().get(str(attr.get("taxonomy_term_id") or ""))
    if term is not None:
        return term
    nested = attr.get("taxonomy_term")
    if isinstance(nested, dict):
        term = terms_by_id().get(str(nested.get("id") or ""))
        if term is None:
            name = nested.get("taxonomy") or (nested.get("taxonomy_detail") or {}).get("name")
            term = terms_by_code().get((str(name), str(nested.get("code"))))
    return term


WHERE_IN_HSDS = {
    "needs": "attributes (njia-need)",
    "adm1_pcode": "attributes (njia-area, adm1)",
    "adm2_pcode": "attributes (njia-area, adm2)",
    "location_ids": "service_at_locations",
    "service_area": "service_areas",
    "schedule": "schedules",
    "eligibility.min_age": "minimum_age",
    "eligibility.max_age": "maximum_age",
    "eligibility.description": "eligibility_description",
    "alert.text": "alert",
    "tz": "attributes (njia-time-zone)",
}
"""Where in HSDS data the source of a Njia field is, for import errors ("attributes (njia-need):
..." rather than "needs: ...")."""
