"""The storage contract: one :class:`Store` protocol, implemented by SQLite and Neo4j adapters.

Listings are JSON documents of three kinds (``organization``, ``location``, ``service``) whose
shape is defined and validated by :mod:`directory.core.schemas` before they reach a store. A store
keeps each document losslessly, indexes the fields the API filters on, and records every change.
The contract suite in ``tests/store/`` runs against every adapter.

Every public method is one short transaction. Adapters translate their driver's connection and
lock errors into :class:`StoreUnavailable`, which the web layer answers with 503.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from directory.store.documents import CandidateRow as CandidateRow  # the contract's types
from directory.store.documents import Document as Document

LINK_NAMESPACE = uuid.UUID("9905de74-6786-4e53-ac15-3b4998d740fd")
"""The namespace of Njia's derived ids (UUID 5), HSDS ones included."""

KINDS: tuple[str, ...] = ("organization", "location", "service")
"""Listing kinds, in dependency order (an import loads them in this order)."""


class StoreError(Exception):
    """Base class of the errors a store raises on purpose."""


class StoreUnavailable(StoreError):
    """The database cannot be reached, or is locked or failing; retrying later may work."""


class NotFound(StoreError):
    """No listing of that kind has that id."""


class VersionConflict(StoreError):
    """The listing changed since the version the writer read (HTTP 412)."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"current version is {current_version}")
        self.current_version = current_version


class Conflict(StoreError):
    """The write would break a uniqueness rule (e.g. the id exists already)."""


class BrokenReference(StoreError):
    """A document refers to a listing that does not exist or may not be linked.

    ``field`` names the offending field (e.g. ``organization_id`` or ``location_ids``).
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ListQuery:
    """Filters and a page for :meth:`Store.list`. All filters combine with AND.

    ``need`` applies to services; ``area`` (a P-code, province or territory) to locations and
    to services through their locations; ``text`` is a full-text query over names and
    descriptions (names only with ``text_names_only``: for a caller who may not read some
    descriptions, a match on their words would tell what they say); ``tiers`` restricts
    locations (and the locations through which services are found by area) to those
    confidentiality tiers, or all tiers when None.
    """

    need: str | None = None
    area: str | None = None
    text: str | None = None
    text_names_only: bool = False
    organization_id: str | None = None
    status: str | None = None
    tiers: frozenset[str] | None = None
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True)
class Page:
    """One page of documents ordered by name then id, and the total matching count."""

    items: list[Document]
    total: int


@dataclass(frozen=True)
class Change:
    """One recorded change of a listing: who, when, and the document before and after."""

    seq: int
    kind: str
    entity_id: str
    version: int
    action: str
    actor: str
    at: str
    old: Document | None
    new: Document | None


def link_id(service_id: str, location_id: str) -> str:
    """The stable id of a service offered at a location (HSDS ``service_at_location``)."""
    return str(uuid.uuid5(LINK_NAMESPACE, f"service_at_location/{service_id}/{location_id}"))


@dataclass(frozen=True)
class Token:
    """An API token's principal. Only a hash of the secret is ever stored."""

    id: str
    role: str
    label: str
    organization_id: str | None = None
    revoked: bool = False
    user_id: str | None = None
    """The account the token acts for (a token stops working when its user is deactivated)."""


RECORD_COLLECTIONS: tuple[str, ...] = (
    "user", "invite", "session", "pending_change", "referral",
    "import_mapping", "import_draft", "import_batch", "rate_limit", "user_email",
)  # fmt: skip
"""Collections of account and workflow records, kept apart from the listings."""


@dataclass(frozen=True)
class Record:
    """An account or workflow record: a JSON document with two indexed keys and a sort key.

    Records are not listings: they have no history and never appear in exports. ``key1`` and
    ``key2`` are looked up with :meth:`Store.find_records`; results are ordered by ``sort``
    then ``id``.
    """

    collection: str
    id: str
    doc: Document
    version: int = 0
    key1: str | None = None
    key2: str | None = None
    sort: str = ""


class Store(Protocol):
    """What every storage adapter provides. Documents are plain JSON-compatible dicts."""

    def init_schema(self) -> None:
        """Create or upgrade tables, constraints and indexes. Safe to call at every start."""

    def ping(self) -> None:
        """Answer quickly or raise :class:`StoreUnavailable` (used by ``/readyz``)."""

    def close(self) -> None:
        """Release connections. The store may be used again afterwards (it reconnects)."""

    def create(self, kind: str, doc: Document, actor: str) -> Document:
        """Insert ``doc`` (which carries its ``id``) as version 1 and record the change.

        Sets ``version``, ``created_at`` and ``updated_at``; returns the stored document.
        Raises :class:`Conflict` if the id exists and :class:`BrokenReference` if a
        referenced listing (organization, locations of the same organization, referral
        partners) does not exist.
        """

    def get(self, kind: str, entity_id: str) -> Document | None:
        """The stored document, or None."""

    def update(
        self, kind: str, entity_id: str, doc: Document, expected_version: int, actor: str
    ) -> Document:
        """Replace the document if its version is still ``expected_version``.

        Increments ``version``, sets ``updated_at``, keeps ``created_at``, records the change
        with the old and new documents, and returns the new document. Raises
        :class:`NotFound`, :class:`VersionConflict` or :class:`BrokenReference`; on any error
        nothing changes.
        """

    def page(self, kind: str, query: ListQuery) -> Page:
        """Documents of ``kind`` matching ``query``, ordered by name then id."""

    def history(self, kind: str, entity_id: str) -> list[Change]:
        """Every recorded change of one listing, oldest first."""

    def candidates_near(
        self,
        lat: float,
        lon: float,
        radius_km: float,
        needs: Iterable[str],
        tiers: frozenset[str] = frozenset({"public"}),
        exclude_km: float | None = None,
    ) -> list[CandidateRow]:
        """Services meeting any of ``needs`` at locations of the given confidentiality
        ``tiers`` within about ``radius_km`` of the point.

        A coarse, indexed search: it may return some locations slightly beyond the radius
        (the matcher filters exactly) but never misses one within it. Services that are not
        active, or whose organization is not active, are left out. Never a full scan.
        With ``exclude_km``, the rows the same call with radius ``exclude_km`` returns are left
        out: a caller widening its search reads each row once. Rows know their ``key`` and
        whether they are ``remote``; their documents are decoded when read.
        """

    def find_link(self, link: str) -> tuple[str, str] | None:
        """``(service id, location id)`` of the service offered at a location whose
        :func:`link_id` is ``link``, or None. Indexed."""

    def candidates_by_area(
        self, pcodes: Iterable[str], needs: Iterable[str], hotline_needs: Iterable[str] = ()
    ) -> list[CandidateRow]:
        """Remote services (hotlines) whose ``service_area`` covers any of ``pcodes`` meeting
        any of ``needs`` or ``hotline_needs``, and services at confidential locations whose
        ``service_area`` covers them, or is empty (it then covers everywhere), meeting any of
        ``needs``. A row's key has no location id (it is matched by area, not by point); a
        confidential service's row carries its first confidential location (by id) for that
        location's facts (time zone, accessibility) — a caller must not use its point.
        Indexed: areas, and confidential locations by tier.

        Ordered as the matcher orders point-less results (:func:`area_row_order`), with the
        documents decoded only when read: a caller may stop at the first rows it needs.
        """

    def change_mark(self) -> tuple[int, int]:
        """``(imports, last change)``: how many times :meth:`import_all` loaded listings, and
        the number of the last recorded change. The listings changed since an earlier mark
        exactly when the mark differs (an import, whose changes may be numbered before the
        last one, counts one more). Two indexed reads."""

    def changes_since(self, seq: int, limit: int = 1000) -> list[tuple[int, str, str]]:
        """``(number, kind, entity id)`` of the changes numbered after ``seq``, oldest first,
        at most ``limit``; numbers follow the order of commits. Indexed."""

    def located_candidates(
        self,
        service_ids: Iterable[str] | None = None,
        organization_ids: Iterable[str] | None = None,
        location_ids: Iterable[str] | None = None,
    ) -> Iterator[CandidateRow]:
        """A row for each active, not remote service of an active organization at each of its
        locations, whatever their tier, by service id then location id: only the services
        among ``service_ids``, of ``organization_ids`` or at ``location_ids`` when any is
        given, every one when none is. Read a page of services at a time (never one query
        over the whole directory); rows are those of :meth:`candidates_near`."""

    def marked_candidates(
        self, service_ids: Iterable[str]
    ) -> tuple[tuple[int, int], list[CandidateRow]]:
        """The :meth:`change_mark` and the :meth:`located_candidates` of ``service_ids``, read
        together (one statement on Neo4j): when the mark is one a reader held before it read,
        the rows are as of that mark. A match index reads the results it shows this way."""

    def export(self) -> Iterator[tuple[str, Document]]:
        """Every listing as ``(kind, document)``, kinds in :data:`KINDS` order, then by id."""

    def export_history(self) -> Iterator[Change]:
        """Every recorded change, oldest first."""

    def import_all(
        self, listings: Iterable[tuple[str, Document]], history: Iterable[Change] = ()
    ) -> int:
        """Load documents exactly as given (ids, versions, timestamps kept) in one
        transaction; all or nothing. Raises :class:`Conflict` for an existing id and
        :class:`BrokenReference` for a dangling reference. Returns the number loaded.
        """

    def counts(self) -> dict[str, int]:
        """Number of listings of each kind."""

    def put_record(self, record: Record, expected_version: int | None) -> int:
        """Create (``expected_version`` None) or compare-and-set replace a record.

        Returns the new version. Raises :class:`Conflict` when creating an existing id,
        :class:`NotFound` or :class:`VersionConflict` when replacing.
        """

    def get_record(self, collection: str, record_id: str) -> Record | None:
        """One record, or None."""

    def find_records(
        self, collection: str, key1: str | None = None, key2: str | None = None, limit: int = 200
    ) -> list[Record]:
        """Records of a collection with the given keys (None matches any), by sort then id."""

    def delete_record(self, collection: str, record_id: str) -> bool:
        """Delete one record; False if there was none."""

    def add_token(self, token: Token, secret_hash: str) -> None:
        """Store an API token's principal under the hash of its secret."""

    def token_for(self, secret_hash: str) -> Token | None:
        """The token whose secret hashes to ``secret_hash``, or None."""

    def revoke_token(self, token_id: str) -> bool:
        """Revoke a token; False if no such token."""
