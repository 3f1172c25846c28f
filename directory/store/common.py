"""What both adapters share besides the contract: how a listing's version is stamped, how a
change and a record are read back from a row, the search box around a point and how candidate
rows are assembled. The contract itself (the protocol and its value types) is
:mod:`directory.store.base`."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from directory.store.base import (
    KINDS,
    RECORD_COLLECTIONS,
    CandidateRow,
    Change,
    Document,
    Record,
    VersionConflict,
)
from directory.store.documents import LazyDocument, decode
from directory.store.text import utc_now


def check_kind(kind: str) -> None:
    """Refuse a kind of listing the store does not keep (a programming error)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")


def check_collection(collection: str) -> None:
    """Refuse a record collection the store does not keep (a programming error)."""
    if collection not in RECORD_COLLECTIONS:
        raise ValueError(f"unknown record collection {collection!r}")


def first_version(doc: Document) -> Document:
    """``doc`` as version 1, created and updated now."""
    now = utc_now()
    return {**doc, "version": 1, "created_at": now, "updated_at": now}


def next_version(old: Document, doc: Document, entity_id: str, expected_version: int) -> Document:
    """``doc`` replacing ``old`` as its next version (the compare-and-set of ``update``):
    :class:`VersionConflict` when ``old`` is not ``expected_version``."""
    if old["version"] != expected_version:
        raise VersionConflict(old["version"])
    return {
        **doc,
        "id": entity_id,
        "version": old["version"] + 1,
        "created_at": old["created_at"],
        "updated_at": utc_now(),
    }


def document_text(doc: Document | None) -> str | None:
    """A document as stored (in a row and in the history): JSON with sorted keys."""
    return None if doc is None else json.dumps(doc, ensure_ascii=False, sort_keys=True)


def change_of(row: Sequence[Any]) -> Change:
    """A history row ``(seq, kind, id, version, action, actor, at, old JSON, new JSON)``."""
    seq, kind, entity_id, version, action, actor, at, old, new = row
    return Change(
        seq, kind, entity_id, version, action, actor, at,
        decode(old) if old else None, decode(new) if new else None,
    )  # fmt: skip


def record_of(row: Sequence[Any]) -> Record:
    """A record row ``(collection, id, JSON, version, key1, key2, sort)``."""
    collection, record_id, doc, version, key1, key2, sort = row
    return Record(collection, record_id, decode(doc), version, key1, key2, sort)


KM_PER_DEGREE_LAT = 110.5  # the shortest degree of latitude on WGS-84 is 110.57 km


def bounding_box(
    lat: float, lon: float, radius_km: float, max_dlon: float = 180.0
) -> tuple[float, float, float, float]:
    """South, north, west and east of a box holding every point within ``radius_km``
    (latitudes kept within ±90; at most ``max_dlon`` degrees of longitude either side)."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    widest = min(89.0, abs(lat) + dlat)
    dlon = min(max_dlon, radius_km / (KM_PER_DEGREE_LAT * math.cos(math.radians(widest))))
    return max(-90.0, lat - dlat), min(90.0, lat + dlat), lon - dlon, lon + dlon


def located_rows(
    rows: Iterable[Sequence[Any]], partners: Mapping[str, frozenset[str]]
) -> list[CandidateRow]:
    """``candidates_near`` rows from ``(service id, location id, service JSON, organization
    id, organization JSON, location JSON, remote)``, documents decoded on first use (each
    organization's once), with the referral ``partners`` of each organization."""
    orgs: dict[str, LazyDocument] = {}
    return [
        CandidateRow(
            LazyDocument(service),
            orgs.setdefault(org_id, LazyDocument(org)),
            LazyDocument(location),
            refers_to=partners.get(org_id, frozenset()),
            service_id=service_id,
            location_id=location_id,
            remote=bool(remote),
        )
        for service_id, location_id, service, org_id, org, location, remote in rows
    ]


def covering_rows(
    rows: Iterable[Sequence[Any]], partners: Mapping[str, frozenset[str]]
) -> list[CandidateRow]:
    """``candidates_by_area`` rows from ``(service id, name, remote, needs, service JSON,
    organization id, organization JSON, confidential location JSON or None)``, in
    :func:`area_row_order`; the key's location id is None (matched by area, not by point)."""
    orgs: dict[str, LazyDocument] = {}
    ordered = sorted(rows, key=lambda r: area_row_order(r[1], r[0]))
    return [
        CandidateRow(
            LazyDocument(service),
            orgs.setdefault(org_id, LazyDocument(org)),
            None if place is None else LazyDocument(place),
            refers_to=partners.get(org_id, frozenset()),
            service_id=service_id,
            location_id=None,
            name=name,
            remote=bool(remote),
            needs=frozenset(needs),
        )
        for service_id, name, remote, needs, service, org_id, org, place in ordered
    ]


def area_row_order(name: str, service_id: str) -> tuple[str, str, str]:
    """The order of ``candidates_by_area`` rows: the matcher's order of point-less results
    (case-folded name, then name, then service id)."""
    return (name.casefold(), name, service_id)


class LocatedRows:
    """:meth:`~directory.store.base.Store.located_candidates` for both stores, a page of
    services at a time; each store gives the three reads it is made of."""

    PAGE = 2000
    """Services read per query."""

    def _service_page(self, after: str, limit: int) -> list[str]:
        """The ids of the next ``limit`` services after ``after``, in order."""
        raise NotImplementedError

    def _selected_services(
        self, service_ids: list[str], organization_ids: list[str], location_ids: list[str]
    ) -> list[str]:
        """The ids of the services among, of, or at those given (indexed reads)."""
        raise NotImplementedError

    def _rows_of(self, service_ids: list[str]) -> list[CandidateRow]:
        """The located rows of those services (active, not remote, of active organizations)."""
        raise NotImplementedError

    def located_candidates(
        self,
        service_ids: Iterable[str] | None = None,
        organization_ids: Iterable[str] | None = None,
        location_ids: Iterable[str] | None = None,
    ) -> Iterator[CandidateRow]:
        """Rows of active located services; see the Store protocol."""
        if service_ids is None and organization_ids is None and location_ids is None:
            after = ""
            while page := self._service_page(after, self.PAGE):
                yield from self._rows_of(page)
                after = page[-1]
            return
        chosen = sorted(set(service_ids or ()))
        if organization_ids is not None or location_ids is not None:
            chosen = sorted(set(self._selected_services(
                chosen, sorted(set(organization_ids or ())), sorted(set(location_ids or ()))
            )))  # fmt: skip
        for start in range(0, len(chosen), self.PAGE):
            yield from self._rows_of(chosen[start : start + self.PAGE])
