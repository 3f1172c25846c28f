"""Reading listings as the anonymous public sees them, with each location read at most once.

Every HSDS answer and every public export goes through :class:`PublicView`, which applies
:mod:`directory.core.visibility` for :data:`directory.web.auth.ANONYMOUS`: confidential locations
do not
exist (not listed, not counted, not linked from services), restricted ones come without their
point and landmark. ``PublicView`` is duck-typed as the ``store`` that ``present_service`` reads
locations from, so the redaction rules live in one place only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from directory.core.rights import ANONYMOUS
from directory.core.visibility import present_location, present_service
from directory.store.base import Document, ListQuery, Store

PUBLIC_TIERS = frozenset({"public", "restricted"})
CHUNK = 200


class PublicView:
    """A per-request (or per-export) reader of the public view, memoizing raw reads."""

    def __init__(self, store: Store, preloaded: dict[tuple[str, str], Document] | None = None):
        self.store = store
        self._raw: dict[tuple[str, str], Document | None] = dict(preloaded or {})

    def get(self, kind: str, entity_id: str) -> Document | None:
        """The stored document (unredacted), memoized: the ``store.get`` of ``visibility``."""
        key = (kind, entity_id)
        if key not in self._raw:
            self._raw[key] = self.store.get(kind, entity_id)
        return self._raw[key]

    def location(self, entity_id: str) -> Document | None:
        """The location as the public sees it, or None if missing or confidential."""
        doc = self.get("location", entity_id)
        return None if doc is None else present_location(ANONYMOUS, doc)

    def service(self, doc: Document) -> Document:
        """The service as the public sees it (confidential location ids removed)."""
        return present_service(self, ANONYMOUS, doc)  # type: ignore[arg-type]

    def organization(self, entity_id: str) -> Document | None:
        return self.get("organization", entity_id)

    def locations_of(self, service: Document) -> dict[str, Document]:
        """The public view of a (public) service's locations, by id."""
        found = {}
        for location_id in service.get("location_ids", []):
            shown = self.location(location_id)
            if shown is not None:
                found[location_id] = shown
        return found

    def pages(self, kind: str, query: ListQuery) -> Iterator[Document]:
        """Every document matching ``query`` (from its offset on), fetched page by page."""
        offset = query.offset
        while True:
            chunk = self.store.page(kind, _with(query, offset=offset, limit=CHUNK)).items
            for doc in chunk:
                self._raw[(kind, doc["id"])] = doc
                yield doc
            if len(chunk) < CHUNK:
                return
            offset += CHUNK

    def preload_locations(self) -> None:
        """Read every location once (for whole-directory passes such as the SAL index)."""
        for _ in self.pages("location", ListQuery()):
            pass


def _with(query: ListQuery, **changes: Any) -> ListQuery:
    from dataclasses import replace

    return replace(query, **changes)
