"""Documents as the stores read them: JSON text decoded exactly as :func:`json.loads` would
(faster), lazily (a row nobody reads costs no decoding), and the rows of candidates the
matcher is given."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

Document = dict[str, Any]


def decode(text: str) -> Any:
    """Stored JSON text decoded exactly as :func:`json.loads` would: with orjson (about three
    times faster on listings) unless the text holds a run of 19 digits or more (orjson reads an
    integer beyond 64 bits as a float) or something orjson refuses (``NaN``)."""
    if _LONG_DIGITS.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


_LONG_DIGITS = re.compile(r"[0-9]{19}")


class LazyDocument:
    """A document kept as the JSON text the store read, decoded on first use and then kept.

    Several rows may share one (an organization with many services is decoded once).
    """

    __slots__ = ("_doc", "_text")

    def __init__(self, text: str) -> None:
        self._text: str | None = text
        self._doc: Document | None = None

    def get(self) -> Document:
        """The decoded document (the same object on every call)."""
        if self._doc is None:
            assert self._text is not None
            self._doc, self._text = decode(self._text), None
        return self._doc


class CandidateRow:
    """A service offered at a location (or remotely) with its organization, for the matcher.

    Documents may be given decoded or as :class:`LazyDocument`: a row a caller never reads
    costs no decoding. A store that read them from columns may also give the facts a caller
    sorts and filters rows by (``service_id``, ``location_id``, ``name``, ``remote``,
    ``needs``); the others are read from the documents when asked for.
    Rows are equal when their documents and referral partners are.
    """

    __slots__ = ("_known", "_location", "_organization", "_service", "refers_to")

    def __init__(
        self,
        service: Document | LazyDocument,
        organization: Document | LazyDocument,
        location: Document | LazyDocument | None = None,
        refers_to: frozenset[str] = frozenset(),
        **known: Any,
    ) -> None:
        unknown = set(known) - {"service_id", "location_id", "name", "remote", "needs"}
        if unknown:
            raise TypeError(f"unknown candidate row facts: {sorted(unknown)}")
        self._service, self._organization, self._location = service, organization, location
        self.refers_to = refers_to
        self._known = known

    @property
    def service(self) -> Document:
        """The service document."""
        return _decoded(self._service)

    @property
    def organization(self) -> Document:
        """The organization document."""
        return _decoded(self._organization)

    @property
    def location(self) -> Document | None:
        """The location document: where the service is offered, or, for a row matched by the
        areas a service covers, the confidential location whose facts it keeps (None for a
        remote service)."""
        return None if self._location is None else _decoded(self._location)

    @property
    def key(self) -> tuple[str, str | None]:
        """``(service id, location id)``; the location id is None without a location."""
        known = self._known
        service_id = known["service_id"] if "service_id" in known else self.service["id"]
        if "location_id" in known:
            return service_id, known["location_id"]
        location = self.location
        return service_id, None if location is None else location["id"]

    @property
    def name(self) -> str:
        """The service's name."""
        return self._known["name"] if "name" in self._known else self.service["name"]  # type: ignore[no-any-return]

    @property
    def remote(self) -> bool:
        """Whether the service is remote (a hotline)."""
        return bool(self._known["remote"] if "remote" in self._known else self.service["remote"])

    @property
    def needs(self) -> frozenset[str]:
        """The needs the service meets."""
        return frozenset(self._known["needs"] if "needs" in self._known else self.service["needs"])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CandidateRow):
            return NotImplemented
        mine = (self.service, self.organization, self.location, self.refers_to)
        return mine == (other.service, other.organization, other.location, other.refers_to)

    __hash__ = None  # type: ignore[assignment]  # mutable documents: not hashable

    def __repr__(self) -> str:
        return f"CandidateRow(key={self.key!r}, name={self.name!r})"


def _decoded(doc: Document | LazyDocument) -> Document:
    return doc.get() if isinstance(doc, LazyDocument) else doc
