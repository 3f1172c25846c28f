"""The directory as coverage reads it: every listing, read once per computation.

Coverage, the referral network and data quality need most of the directory (every service of a
need, every location, every organization's referral agreements), so they read it in one pass of
:meth:`Store.export` rather than many searches. That is the same on both stores, which is what
makes their answers identical; it takes about 0.2 s for the seeded directory (7,000 listings).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from directory.store.base import Document, Store


@dataclass(frozen=True)
class Snapshot:
    """Listings by id (organizations and locations) and in id order (services)."""

    organizations: dict[str, Document] = field(default_factory=dict)
    locations: dict[str, Document] = field(default_factory=dict)
    services: list[Document] = field(default_factory=list)

    @classmethod
    def from_listings(cls, listings: Iterable[tuple[str, Document]]) -> Snapshot:
        """Build from ``(kind, document)`` pairs such as :meth:`Store.export` yields."""
        snapshot = cls()
        for kind, doc in listings:
            if kind == "organization":
                snapshot.organizations[doc["id"]] = doc
            elif kind == "location":
                snapshot.locations[doc["id"]] = doc
            elif kind == "service":
                snapshot.services.append(doc)
        snapshot.services.sort(key=lambda s: s["id"])
        return snapshot

    @classmethod
    def from_store(cls, store: Store) -> Snapshot:
        """Read the whole directory from a store (one export)."""
        return cls.from_listings(store.export())

    def organization_of(self, doc: Document) -> Document:
        """The organization of a service or location (an empty inactive one if missing)."""
        return self.organizations.get(doc["organization_id"], _MISSING_ORGANIZATION)


_MISSING_ORGANIZATION: Document = {"id": "", "name": "", "status": "inactive"}


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (naive ones are UTC); None stays None."""
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def now() -> datetime:
    """The current time (UTC); the web layer passes it to every computation (tests fix it)."""
    return datetime.now(UTC)
