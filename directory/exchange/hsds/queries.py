"""The collections of the HSDS API, as pages of HSDS objects over the public view.

Each query returns ``(items, total)`` for one page, or every item in order (``offset=0,
limit=None``) for ``format=ndjson``. Filters the store indexes (full text, need, organization,
area) go into one ``Store.page`` call with the page's offset and limit. Filters it does not
index (``modified_after``, other taxonomy terms) and the service_at_location collection, which
is derived from services and their locations, read the matching listings page by page and
count as they go: linear in the listings that pass the indexed filters (see the profile's
"Limits"). One service_at_location is found by its id through the store's index.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from directory.core.schemas import NEED_CODES, TAXONOMY
from directory.exchange.hsds import mapping, vocab
from directory.exchange.hsds.public import PUBLIC_TIERS, PublicView
from directory.store.base import Document, ListQuery
from directory.store.text import search_words
from matching.geo import distance_km

Doc = dict[str, Any]
Predicate = Callable[[Document], bool]


@dataclass(frozen=True)
class ServiceFilters:
    """Filters of ``/services`` and ``/service_at_locations``."""

    search: str | None = None
    organization_id: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    modified_after: datetime | None = None
    postcode: str | None = None


def window(items: Iterator[Any], offset: int, limit: int | None) -> tuple[list[Any], int]:
    """The items of one page and the count of all of them (consumes the iterator)."""
    page: list[Any] = []
    total = 0
    for item in items:
        if total >= offset and (limit is None or len(page) < limit):
            page.append(item)
        total += 1
    return page, total


# -- services ----------------------------------------------------------------------------------


def service_query(filters: ServiceFilters) -> tuple[ListQuery | None, Predicate | None]:
    """The indexed part of the filters (None: nothing can match) and the rest as a predicate."""
    need = None
    checks: list[Predicate] = []
    if filters.organization_id and not is_uuid(filters.organization_id):
        return None, None
    if filters.taxonomy_term_id:
        term = vocab.terms_by_id().get(filters.taxonomy_term_id)
        if term is None:
            return None, None
        if term.taxonomy == "njia-need":
            need = term.code
        else:
            checks.append(lambda doc: term.id in service_term_ids(doc))
    if filters.taxonomy_id and filters.taxonomy_id != vocab.taxonomy_id("njia-need"):
        taxonomy = next(
            (n for n in vocab.TAXONOMIES if vocab.taxonomy_id(n) == filters.taxonomy_id), None
        )
        if taxonomy is None:
            return None, None
        ids = {t.id for t in vocab.all_terms() if t.taxonomy == taxonomy}
        checks.append(lambda doc: bool(ids & service_term_ids(doc)))
    if filters.modified_after is not None:
        since = filters.modified_after
        checks.append(lambda doc: datetime.fromisoformat(doc["updated_at"]) >= since)
    query = ListQuery(
        need=need,
        text=filters.search,
        organization_id=filters.organization_id,
        area=filters.postcode,
        tiers=PUBLIC_TIERS,
    )
    return query, (lambda doc: all(check(doc) for check in checks)) if checks else None


def service_term_ids(doc: Document) -> set[str]:
    """Ids of the terms attached to a service or its service areas."""
    attrs = mapping.service_attributes(doc)
    for area in mapping.service_areas(doc["id"], doc.get("service_area", [])):
        attrs += area["attributes"]
    return {a["taxonomy_term_id"] for a in attrs}


def services(
    view: PublicView, filters: ServiceFilters, offset: int, limit: int | None
) -> tuple[list[Document], int]:
    """Public services matching ``filters``, ordered by name then id."""
    query, predicate = service_query(filters)
    if query is None:
        return [], 0
    if predicate is None and limit is not None:
        result = view.store.page("service", replace(query, offset=offset, limit=limit))
        return result.items, result.total
    matching = (d for d in view.pages("service", query) if predicate is None or predicate(d))
    return window(matching, offset, limit)


def service_item(view: PublicView, doc: Document, full: bool, minimal: bool = False) -> Doc:
    """A service as listed: minimal, one-to-one fields, or fully nested."""
    if minimal:
        return {k: v for k, v in mapping.service_basic(doc).items() if k in _MINIMAL}
    if not full:
        return mapping.service_basic(doc)
    shown = view.service(doc)
    return mapping.service(
        shown, view.locations_of(shown), view.organization(doc["organization_id"])
    )


_MINIMAL = ("id", "name", "status", "last_modified")


# -- service_at_location ----------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One public service_at_location: a service and one of its visible locations."""

    service: Document
    location: Document
    distance_m: float | None = None

    @property
    def id(self) -> str:
        return mapping.service_at_location_id(self.service["id"], self.location["id"])


def links(view: PublicView, filters: ServiceFilters) -> Iterator[Link]:
    """Every public service_at_location matching ``filters``, by service name, id, then
    the service's own order of locations."""
    query, predicate = service_query(filters)
    if query is None:
        return
    view.preload_locations()
    for doc in view.pages("service", query):
        if predicate is not None and not predicate(doc):
            continue
        shown = view.service(doc)
        for location in view.locations_of(shown).values():
            if filters.postcode and filters.postcode not in _areas(location):
                continue
            yield Link(shown, location)


def links_near(
    view: PublicView, filters: ServiceFilters, lat: float, lon: float, metres: float
) -> list[Link]:
    """Active services at *public* locations within ``metres`` of the point, nearest first.

    Restricted locations are left out: their points are hidden from the public, and a distance
    filter over them would reveal them by triangulation.
    """
    rows = view.store.candidates_near(lat, lon, metres / 1000.0, NEED_CODES, frozenset({"public"}))
    query, predicate = service_query(filters)
    if query is None:
        return []
    words = search_words(filters.search or "")
    found: dict[str, Link] = {}
    for row in rows:
        if row.location is None:
            continue
        point = (row.location["latitude"], row.location["longitude"])
        distance = distance_km(lat, lon, *point) * 1000.0
        link = Link(view.service(row.service), row.location, distance)
        if distance > metres or link.id in found or not _matches(link, filters, words, predicate):
            continue
        found[link.id] = link
    return sorted(found.values(), key=lambda k: (k.distance_m, k.service["name"], k.id))


def _matches(
    link: Link, filters: ServiceFilters, words: list[str], predicate: Predicate | None
) -> bool:
    service = link.service
    if filters.organization_id and service["organization_id"] != filters.organization_id:
        return False
    if filters.postcode and filters.postcode not in _areas(link.location):
        return False
    need = _need_of(filters)
    if need and need not in service["needs"]:
        return False
    if words:
        text = set(
            search_words(f"{service['name']} {service.get('description', '')}", limit=10_000)
        )
        if not all(any(t.startswith(w) for t in text) for w in words):
            return False
    return predicate is None or predicate(service)


def _need_of(filters: ServiceFilters) -> str | None:
    term = vocab.terms_by_id().get(filters.taxonomy_term_id or "")
    return term.code if term is not None and term.taxonomy == "njia-need" else None


def _areas(location: Document) -> set[str]:
    return {location["adm1_pcode"], location.get("adm2_pcode") or ""}


def link_item(view: PublicView, link: Link, full: bool) -> Doc:
    """A service_at_location as listed: with its location and service, nested or one-to-one."""
    item = mapping.service_at_location(link.service, link.location, link.location["id"])
    if full:
        org = view.organization(link.service["organization_id"])
        item["service"] = mapping.service(link.service, view.locations_of(link.service), org)
    else:
        item["location"] = {k: v for k, v in item["location"].items() if not isinstance(v, list)}
        item["service"] = mapping.service_basic(link.service)
    return item


def find_link(view: PublicView, sal_id: str) -> Link | None:
    """The public service_at_location with this id (one indexed look-up in the store)."""
    found = view.store.find_link(sal_id)
    doc = view.store.get("service", found[0]) if found is not None else None
    if found is None or doc is None:
        return None
    shown = view.service(doc)
    location = view.locations_of(shown).get(found[1])
    return None if location is None else Link(shown, location)


# -- organizations and taxonomies --------------------------------------------------------------


def full_organization(view: PublicView, doc: Document, full_services: bool) -> Doc:
    """An organization with its public locations and its services."""
    org_query = ListQuery(organization_id=doc["id"], tiers=PUBLIC_TIERS)
    locations = [view.location(loc["id"]) for loc in view.pages("location", org_query)]
    services = [
        view.service(s) for s in view.pages("service", ListQuery(organization_id=doc["id"]))
    ]
    shown = [loc for loc in locations if loc is not None]
    return mapping.full_organization(doc, shown, services, nested_services=full_services)


def text_matches(search: str | None, *texts: str) -> bool:
    """Every word of ``search`` starts a word of ``texts`` (accent- and case-insensitive)."""
    words = search_words(search or "")
    found = set(search_words(" ".join(texts), limit=10_000))
    return all(any(t.startswith(w) for t in found) for w in words)


def pages_count(total: int, per_page: int) -> int:
    return math.ceil(total / per_page)


def area_known(code: str) -> bool:
    return code in TAXONOMY.areas


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a UUID in Njia's canonical form (lower case, hyphenated)."""
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False
