"""HSDS 3.0 objects → Njia listings, validated by :func:`directory.core.schemas.canonical`.

Contract: :func:`convert` takes HSDS records already valid against the HSDS schemas (full
organizations, services, services-at-location or locations, nested as HSDS nests them) and
returns every organization, location and service as a canonical Njia document keyed by its Njia
id, or the errors naming the record and field to fix. It never touches a store: ``exists`` tells
it which ids the directory already has (for references to listings outside the file).

It is the inverse of :mod:`directory.exchange.hsds.mapping` for everything Njia exports. For
other HSDS data it keeps the fields of the Njia profile and lists the rest in ``notes`` ("not
kept").
Njia needs a province P-code for each location, a point, and needs for each service; where the
data has no Njia attribute for them the rules of ``docs/hsds-profile.md`` § Import apply.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from directory.core.schemas import TAXONOMY, canonical, flatten_field_errors
from directory.exchange.hsds import areas, attributes, details
from directory.exchange.hsds.vocab import WHERE_IN_HSDS, njia_id, utc_offset

Doc = dict[str, Any]
STATUS_FROM_HSDS = {"active": "active", "inactive": "inactive", "defunct": "inactive"}
STATUS_FROM_HSDS["temporarily closed"] = "temporarily_closed"
BOOKKEEPING = ("version", "created_at", "updated_at")
# fmt: off
KEPT = {
    "organization": {"id", "name", "description", "email", "website", "phones", "attributes",
                     "locations", "services"},
    "location": {"id", "location_type", "organization_id", "name", "description", "latitude",
                 "longitude", "accessibility", "attributes"},
    "service": {"id", "organization_id", "name", "description", "email", "status",
                "eligibility_description", "minimum_age", "maximum_age", "alert",
                "last_modified", "assured_date", "phones", "schedules", "service_areas",
                "service_at_locations", "languages", "attributes", "organization"},
}
# fmt: on
"""The HSDS fields each kind keeps (others are counted in the import's "not kept" notes)."""


@dataclass(frozen=True)
class Options:
    """How to fill in what Njia requires and foreign HSDS data may lack."""

    default_province: str | None = None
    default_need: str | None = None
    skip_unplaced: bool = False
    confidentiality: str = "public"
    source: str = ""


@dataclass
class Listing:
    """One Njia listing to import: its canonical document and where it came from."""

    kind: str
    doc: Doc
    origin: str
    bookkeeping: Doc = field(default_factory=dict)


@dataclass
class Conversion:
    """The result of :func:`convert`: listings in dependency order, errors, and notes."""

    listings: list[Listing]
    errors: list[str]
    notes: Counter[str]


@dataclass
class _Found:
    obj: Doc
    origin: str
    org_id: str | None


def convert(
    records: list[tuple[str, Doc, str]], options: Options, exists: Callable[[str, str], bool]
) -> Conversion:
    """Convert ``(kind, hsds_object, origin)`` records; see the module docstring."""
    return _Converter(options, exists).run(records)


class _Converter:
    def __init__(self, options: Options, exists: Callable[[str, str], bool]) -> None:
        self.options = options
        self.exists = exists
        self.found: dict[str, dict[str, _Found]] = {k: {} for k in KEPT}
        self.errors: list[str] = []
        self.notes: Counter[str] = Counter()
        self.unplaced: set[str] = set()
        self.withheld: dict[str, list[str]] = {}
        """Restricted locations of a public feed left out → the P-code of their area."""
        self.located: dict[str, Doc] = {}

    # -- collecting ------------------------------------------------------------------------

    def run(self, records: list[tuple[str, Doc, str]]) -> Conversion:
        for kind, obj, origin in records:
            self.collect(kind, obj, origin, None)
        listings = []
        for kind in ("location", "service", "organization"):
            for ident, found in self.found[kind].items():
                listing = getattr(self, kind)(ident, found)
                if listing is not None:
                    listings.append(listing)
        order = ("organization", "location", "service")
        listings.sort(key=lambda item: order.index(item.kind))
        return Conversion(listings, self.errors, self.notes)

    def collect(self, kind: str, obj: Doc, origin: str, org_id: str | None) -> None:
        if kind == "service_at_location":
            service = dict(obj.get("service") or {})
            if not service.get("id"):
                self.errors.append(f"{origin}: service: a service_at_location needs its service")
                return
            link = {k: v for k, v in obj.items() if k != "service"}
            service["service_at_locations"] = [*(service.get("service_at_locations") or []), link]
            kind, obj = "service", service
        ident = njia_id(obj["id"])
        origin = str(obj.get("_origin") or origin)
        if kind == "organization":
            org_id = ident
            for name in ("locations", "services"):
                for i, child in enumerate(obj.get(name) or []):
                    self.collect(name[:-1], child, f"{origin} › {name}[{i}]", ident)
        elif kind == "service":
            nested = obj.get("organization")
            if isinstance(nested, dict) and nested.get("id"):
                self.collect("organization", nested, f"{origin} › organization", None)
            org_id = njia_id(obj["organization_id"]) if obj.get("organization_id") else org_id
            if org_id is None and isinstance(nested, dict) and nested.get("id"):
                org_id = njia_id(nested["id"])
            for i, link in enumerate(obj.get("service_at_locations") or []):
                if isinstance(link.get("location"), dict):
                    where = f"{origin} › service_at_locations[{i}].location"
                    self.collect("location", link["location"], where, org_id)
        elif kind == "location" and obj.get("organization_id"):
            org_id = njia_id(obj["organization_id"])
        previous = self.found[kind].get(ident)
        if previous is None or len(obj) > len(previous.obj):
            self.found[kind][ident] = _Found(obj, origin, org_id)
        self._note_unkept(kind, obj)

    def _note_unkept(self, kind: str, obj: Doc) -> None:
        for key, value in obj.items():
            unkept = key not in KEPT[kind] and not key.startswith("_") and not key.endswith("_id")
            if unkept and value not in (None, "", []):
                self.notes[f"{kind}.{key}"] += 1

    def validated(self, kind: str, ident: str, data: Doc, origin: str) -> Doc | None:
        try:
            return {"id": ident, **canonical(kind, data)}
        except ValidationError as exc:
            for path, messages in flatten_field_errors(exc.messages).items():
                hint = WHERE_IN_HSDS.get(path) or WHERE_IN_HSDS.get(path.split(".")[0]) or path
                self.errors.append(f"{origin}: {hint}: {' '.join(messages)}")
            return None

    def listing(self, kind: str, ident: str, data: Doc, origin: str, fields: Doc) -> Listing | None:
        doc = self.validated(kind, ident, data, origin)
        if doc is None:
            return None
        bookkeeping: Doc = {k: fields[k] for k in BOOKKEEPING if fields.get(k)}
        if "version" in bookkeeping:
            bookkeeping["version"] = details.number(bookkeeping["version"])
            if not isinstance(bookkeeping["version"], int) or bookkeeping["version"] < 1:
                self.errors.append(f"{origin}: attributes (version): not a version number")
                return None
        return Listing(kind, doc, origin, bookkeeping)

    def _org_ref(self, org_id: str | None, origin: str) -> str | None:
        if org_id is None:
            self.errors.append(f"{origin}: organization_id: the organization is not named")
        elif org_id not in self.found["organization"] and not self.exists("organization", org_id):
            self.errors.append(
                f"{origin}: organization_id: no organization {org_id} in the file or the directory"
            )
            return None
        return org_id

    def common(self, fields: dict[str, str]) -> Doc:
        """Fields every listing has; a record Njia wrote (it has a version) keeps its own."""
        default_source = "" if "version" in fields else self.options.source
        return {
            "source": fields.get("source", default_source),
            "demo": fields.get("demo") == "true",
            "last_verified_at": fields.get("last_verified_at"),
        }

    # -- the three kinds -------------------------------------------------------------------

    def organization(self, ident: str, found: _Found) -> Listing | None:
        obj, origin = found.obj, found.origin
        terms = attributes.terms(obj)
        fields = attributes.field_values(terms)
        agreements = []
        for term, attr in terms:
            if term.code == "referral_agreement":
                agreement = self._agreement(attr, origin)
                if agreement is not None:
                    agreements.append(agreement)
        data = {
            "name": obj.get("name"),
            "description": obj.get("description") or "",
            "email": obj.get("email") or None,
            "website": details.with_scheme(obj.get("website")),
            "phones": details.phones(obj.get("phones") or [], self._notes()),
            "status": fields.get("status", "active"),
            "referral_agreements": agreements,
            "attributes": attributes.foreign(obj, self.notes),
            **self.common(fields),
        }
        return self.listing("organization", ident, data, origin, fields)

    def _agreement(self, attr: Doc, origin: str) -> Doc | None:
        try:
            value = json.loads(attr.get("value") or "")
            target = njia_id(value["organization_id"])
        except (ValueError, KeyError, TypeError):
            self.errors.append(
                f"{origin}: attributes (referral_agreement): not the JSON Njia writes"
            )
            return None
        if target not in self.found["organization"] and not self.exists("organization", target):
            self.errors.append(
                f"{origin}: attributes (referral_agreement): no organization "
                f"{target} in the file or the directory"
            )
            return None
        return {"organization_id": target, "since": value.get("since"), "note": value.get("note")}

    def location(self, ident: str, found: _Found) -> Listing | None:
        obj, origin = found.obj, found.origin
        lat, lon = obj.get("latitude"), obj.get("longitude")
        placed = (
            (obj.get("location_type") or "physical") == "physical"
            and isinstance(lat, int | float)
            and isinstance(lon, int | float)
            and -90 <= lat <= 90
            and -180 <= lon <= 180
        )
        if not placed:
            if self._withheld(ident, obj):
                return None
            if self.options.skip_unplaced:
                self.unplaced.add(ident)
                self.notes["locations without a valid point (--skip-unplaced)"] += 1
                return None
            self.errors.append(
                f"{origin}: latitude/longitude: a Njia location is a physical point (latitude "
                f"-90..90, longitude -180..180), got {lat!r}, {lon!r}; use --skip-unplaced to "
                "leave such locations out"
            )
            return None
        org_id = self._org_ref(found.org_id, origin)
        if org_id is None:
            return None
        terms = attributes.terms(obj)
        fields = attributes.field_values(terms)
        named = {t.code for t, _ in terms if t.taxonomy == "njia-area"}
        adm1 = next((c for c in named if TAXONOMY.areas[c].level == 1), None)
        adm2 = next((c for c in named if TAXONOMY.areas[c].level == 2), None)
        adm1 = adm1 or (TAXONOMY.province_of(adm2) if adm2 else None)
        adm1 = adm1 or areas.province_of(obj, self.options.default_province)
        codes = {t.taxonomy: t.code for t, _ in terms}
        access = [
            t.code
            for item in obj.get("accessibility") or []
            for t, _ in attributes.terms(item)
            if t.taxonomy == "njia-accessibility"
        ]
        if len(access) < len(obj.get("accessibility") or []):
            self.notes["accessibility described in free text"] += 1
        data = {
            "organization_id": org_id,
            "name": obj.get("name") or obj.get("alternate_name") or "",
            "description": obj.get("description") or "",
            "latitude": lat,
            "longitude": lon,
            "tz": codes.get("njia-time-zone"),
            "confidentiality": codes.get("njia-confidentiality", self.options.confidentiality),
            "adm1_pcode": adm1,
            "adm2_pcode": adm2,
            "accessibility": access,
            "attributes": attributes.foreign(obj, self.notes),
            **({"approximate": True} if fields.get("approximate") == "true" else {}),
            **self.common(fields),
        }
        listing = self.listing("location", ident, data, origin, fields)
        if listing is not None:
            self.located[ident] = listing.doc
        return listing

    def _withheld(self, ident: str, obj: Doc) -> bool:
        """A restricted location of a Njia public feed, whose point the feed withholds: left
        out (a Njia location is a point), its area kept for the services offered there."""
        area = areas.withheld_area(obj)
        if area is None:
            return False
        self.unplaced.add(ident)
        self.withheld[ident] = area
        self.notes["restricted locations whose point a public feed withholds (their services "
                   "are kept, found by the location's area)"] += 1  # fmt: skip
        return True

    def service(self, ident: str, found: _Found) -> Listing | None:
        obj, origin = found.obj, found.origin
        org_id = self._org_ref(found.org_id, origin)
        if org_id is None:
            return None
        terms = attributes.terms(obj)
        fields = attributes.field_values(terms)
        needs = [t.code for t, _ in terms if t.taxonomy == "njia-need"]
        if not needs and self.options.default_need:
            needs = [self.options.default_need]
        if not needs:
            self.errors.append(
                f"{origin}: attributes (njia-need): a Njia service meets at least one need; "
                "add a njia-need attribute or use --default-need"
            )
            return None
        capabilities = [
            (t.code, a.get("value")) for t, a in terms if t.taxonomy == "njia-capability"
        ]
        location_ids, withheld_areas = [], []
        for link in obj.get("service_at_locations") or []:
            raw = link.get("location_id") or (link.get("location") or {}).get("id")
            place = njia_id(raw) if raw else None
            withheld_areas += [a for a in self.withheld.get(place or "", [])
                               if a not in withheld_areas]  # fmt: skip
            if place is None or place in self.unplaced or place in location_ids:
                continue
            if place not in self.located and not self.exists("location", place):
                self.errors.append(
                    f"{origin}: service_at_locations: no location {place} in the "
                    "file or the directory"
                )
                return None
            location_ids.append(place)
        remote = fields.get("remote") == "true" or not location_ids
        area = areas.service_area(obj, self.notes)
        if not location_ids and not area:
            area = withheld_areas  # reached by phone in the area of its withheld place
        if remote and not area and self.options.default_province:
            area = [self.options.default_province]
        zone = next((self.located[i]["tz"] for i in location_ids if i in self.located), None)
        if zone is None and area:
            zone = TAXONOMY.time_zone_for(area[0])
        notes = self._notes()
        data = {
            "organization_id": org_id,
            "name": obj.get("name"),
            "description": obj.get("description") or "",
            "status": STATUS_FROM_HSDS.get(str(obj.get("status")), "active"),
            "needs": needs,
            "capabilities": [code for code, _ in capabilities],
            "stock_out": [code for code, value in capabilities if value == "out_of_stock"],
            "remote": remote,
            "service_area": area,
            "location_ids": location_ids,
            "schedule": details.schedule(obj.get("schedules") or [], utc_offset(zone), notes),
            "eligibility": {
                "min_age": details.whole(obj.get("minimum_age")),
                "max_age": details.whole(obj.get("maximum_age")),
                "sexes": [t.code for t, _ in terms if t.taxonomy == "njia-sex"],
                "description": obj.get("eligibility_description") or "",
            },
            "languages": details.languages(obj.get("languages") or [], notes),
            "phones": details.phones(obj.get("phones") or [], notes),
            "email": obj.get("email") or None,
            "alert": details.alert(obj, fields),
            "capacity": details.capacity(fields),
            "attributes": attributes.foreign(obj, self.notes),
            **self.common(fields),
        }
        return self.listing("service", ident, data, origin, fields)

    def _notes(self) -> details.NoteSink:
        return details.NoteSink(self.notes)
