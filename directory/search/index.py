"""An in-process match index: every located service, ready for the nearby search.

The store's nearby search reads rows through a spatial index and joins, and every row costs
decoding three JSON documents and converting them (most of a match's time). This index keeps,
per process, every active service at each of its locations as the matcher's
:class:`matching.Candidate`, with a k-d tree on unit-sphere points and compact arrays of needs
and tiers, so :meth:`MatchIndex.candidates_near` answers from memory what
:meth:`~directory.store.base.Store.candidates_near` answers from the database (the same
contract: a superset of the rows within the radius, each row of a widening search once).
The documents of the results a match shows are read from the store afterwards, by id.

The store's search by area (remote services and safe shelters, by the areas they cover) is
asked once per question between two changes of the directory.

Fresh: a match searches the index as of its :attr:`~MatchIndex.mark`, then reads the
documents of the results it shows together with the store's change mark
(:meth:`~directory.store.base.Store.marked_candidates`, one statement). When the marks differ,
:meth:`~MatchIndex.refresh` applies the changes since (the rows of each changed service,
organization or location read again) and the match runs again, so every worker sees a
committed write at its next match for one store read per match. An import, or a long run of
changes, rebuilds it. Rows added since the tree was built are searched by a scan until a
rebuild.

A directory of fewer than ``min_services`` services (``NJIA_MATCH_INDEX_MIN_SERVICES``, 20,000
by default) is matched by the store alone: its spatial query is then fast enough, and memory is
spared. A larger one is indexed in a background thread, the store answering until the index is
ready (a test may index a small one at its first match).
"""

from __future__ import annotations

import gc
import logging
import math
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import matching
from directory.core.taxonomy import get_taxonomy
from directory.search.candidates import to_candidate
from directory.store.base import CandidateRow, Store

if TYPE_CHECKING:
    import numpy as np
    from scipy.spatial import cKDTree

log = logging.getLogger(__name__)
EARTH_KM = 6371.0088
MARGIN = 1.01
"""The sphere's distance is never 1 % shorter than the ellipsoid's the matcher uses."""
TIERS = {"public": 1, "restricted": 2, "confidential": 4}
DEFAULT_MIN_SERVICES = 20_000
"""Directories with fewer services are matched by the store alone."""
SYNC_BUILD_MAX = 10_000
"""Directories of at most this many services are indexed at their first match."""
RECOUNT_SECONDS = 60.0
"""How long a directory too small for the index waits before it is counted again."""
CHANGES_PAGE = 1000
MAX_CHANGES = 20_000
"""More changes than this since the last match: rebuild rather than apply them."""
AREA_ANSWERS = 1024
"""Answers of the store's search by area kept until the next change (they are few: one per
province and set of needs)."""
REBUILD_SHARE = 0.02
COMPACT_MIN = 1000
"""Rows added since the tree was built (at least ``COMPACT_MIN``, and at least
``REBUILD_SHARE`` of all rows) that make it compact and plant a new tree."""
NO_TZ = ""
FREEZE_MIN_ROWS = 10_000
"""An index of this many rows is frozen out of the garbage collector once built (everything
the process holds then is: a full collection over it would pause a request)."""


class NearRow:
    """A row of the index: its key and the matcher's candidate (documents stay in the store)."""

    __slots__ = ("candidate", "key")
    remote = False

    def __init__(self, key: tuple[str, str], candidate: matching.Candidate) -> None:
        self.key, self.candidate = key, candidate

    @property
    def needs(self) -> frozenset[str]:
        return self.candidate.needs

    def candidate_at(self, default_tz: str) -> matching.Candidate:
        """The candidate, with ``default_tz`` when its location has no time zone."""
        if self.candidate.tz == NO_TZ:
            return replace(self.candidate, tz=default_tz)
        return self.candidate


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """The point on the unit sphere."""
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def chord(km: float) -> float:
    """The straight-line distance on the unit sphere of a ``km`` search radius (with margin)."""
    angle = min(math.pi, km * MARGIN / EARTH_KM)
    return 2.0 * math.sin(angle / 2.0)


class MatchIndex:
    """Every active located service of one store, for :meth:`candidates_near`."""

    def __init__(self, store: Store, min_services: int = DEFAULT_MIN_SERVICES) -> None:
        self.store = store
        self.min_services = min_services
        self._next_count = 0.0
        self._lock = threading.RLock()
        self._need_bit = {code: 1 << i for i, code in enumerate(get_taxonomy().needs)}
        self._shared: dict[Any, Any] = {}
        self._by_area: dict[tuple[frozenset[str], ...], list[CandidateRow]] = {}
        self._mark: tuple[int, int] | None = None
        self._building = False
        self._rows: list[NearRow | None] = []
        self._in_tree = 0
        self._tree: cKDTree | None = None
        # scipy (about 40 MB) is loaded by the first build only: a directory matched
        # by the store alone never loads it.

    # -- state ------------------------------------------------------------------------------

    def _reset(self, capacity: int) -> None:
        import numpy as np

        self._rows = []
        self._xyz = np.zeros((max(capacity, 16), 3))
        self._needs = np.zeros(max(capacity, 16), dtype=np.uint32)
        self._tiers = np.zeros(max(capacity, 16), dtype=np.uint8)
        self._tree = None
        self._in_tree = 0
        self._by: dict[str, dict[str, list[int]]] = {"service": {}, "organization": {},
                                                     "location": {}}  # fmt: skip

    def _add(self, row: CandidateRow) -> None:
        c = to_candidate(row, NO_TZ, self._share)
        if c.lat is None or c.lon is None or c.location_id is None:
            return
        import numpy as np

        n = len(self._rows)
        if n == len(self._needs):
            self._xyz = np.resize(self._xyz, (2 * n, 3))
            self._needs = np.resize(self._needs, 2 * n)
            self._tiers = np.resize(self._tiers, 2 * n)
        self._xyz[n] = unit_vector(c.lat, c.lon)
        self._needs[n] = sum(self._need_bit.get(need, 0) for need in c.needs)
        self._tiers[n] = TIERS.get(c.confidentiality, 0)
        self._register(n, NearRow((c.service_id, c.location_id), c))

    def _register(self, n: int, row: NearRow) -> None:
        """Row ``n`` is ``row``, found by its service, organization and location."""
        self._rows.append(row)
        service_id, location_id = row.key
        for kind, ident in (("service", service_id), ("location", location_id),
                            ("organization", row.candidate.organization_id)):  # fmt: skip
            self._by[kind].setdefault(ident, []).append(n)

    def _share(self, value: Any) -> Any:
        """One copy of each value many rows have alike (codes, sets, hours, organizations)."""
        return self._shared.setdefault(value, value)

    def _remove(self, kind: str, ident: str) -> None:
        for n in self._by[kind].pop(ident, ()):
            self._rows[n] = None
            self._needs[n] = 0  # never matches a need again

    def _plant(self) -> None:
        """Build the k-d tree over every row so far."""
        from scipy.spatial import cKDTree

        self._in_tree = len(self._rows)
        self._tree = cKDTree(self._xyz[: self._in_tree]) if self._in_tree else None

    # -- building and keeping fresh -------------------------------------------------------

    _STATE = ("_rows", "_xyz", "_needs", "_tiers", "_tree", "_in_tree", "_by", "_shared")

    def build(self) -> None:
        """Index the whole directory now and start using it. The rows are read without the
        lock, so matches meanwhile go on (answered by the store, or by the previous index)."""
        fresh = MatchIndex(self.store, self.min_services)
        mark = self.store.change_mark()  # first: a write during the build is seen next
        fresh._reset(self.store.counts()["service"])
        for row in self.store.located_candidates():
            fresh._add(row)
        fresh._plant()
        with self._lock:
            for name in self._STATE:
                setattr(self, name, getattr(fresh, name))
            self._by_area.clear()
            self._mark = mark
        if len(fresh._rows) >= FREEZE_MIN_ROWS:
            gc.freeze()  # its objects out of every later collection: no 0.4 s pauses at 100k
        log.info("match index: %d rows", len(fresh._rows))

    @property
    def state(self) -> str:
        """``ready`` (matches use the index), ``building`` or ``store`` (matches use the store
        alone: a directory below ``min_services``, or not asked yet); nothing is started."""
        if self._mark is not None:
            return "ready"
        return "building" if self._building else "store"

    def ready(self) -> bool:
        """Whether the index is built and can answer (as of :attr:`mark`, perhaps behind the
        store: see :meth:`refresh`); starts indexing when it has not yet (in the background for
        a large directory: the store answers until it is built)."""
        return self._mark is not None or self._start()

    @property
    def mark(self) -> tuple[int, int] | None:
        """The store's change mark the index holds the rows of (None while not usable)."""
        return self._mark

    def _start(self) -> bool:
        """Build now (a small directory) and say True, or start a background build (a large
        one) or wait for more services, and say False."""
        with self._lock:
            now = time.monotonic()
            if self._building or now < self._next_count:
                return False
            services = self.store.counts()["service"]
            if services < self.min_services:
                self._next_count = now + RECOUNT_SECONDS
                return False
            if services > SYNC_BUILD_MAX:
                self._building = True
                threading.Thread(target=self._build_in_background, daemon=True).start()
                return False
        self.build()
        return True

    def _build_in_background(self) -> None:
        try:
            self.build()
        except Exception:  # the store answers meanwhile; the next match tries again
            log.exception("match index: building failed")
        finally:
            with self._lock:
                self._building = False

    def _rebuild(self) -> bool:
        """After an import or a long run of changes: stop using the index and build it again
        (now for a small directory, else in the background); whether it is usable now."""
        with self._lock:
            self._mark = None
            self._next_count = 0.0
        return self._start()

    def refresh(self) -> bool:
        """Apply the store's changes since the last refresh; whether the index is usable
        (False while an import or a long run of changes makes it rebuild in the background)."""
        with self._lock:
            if self._mark is None:
                return False
            mark = self.store.change_mark()
            if mark == self._mark:
                return True
            rebuild = mark[0] != self._mark[0]
            if not rebuild:
                seq = self._mark[1]
                changed: dict[str, set[str]] = {"service": set(), "organization": set(),
                                                "location": set()}  # fmt: skip
                count = 0
                while count <= MAX_CHANGES:
                    page = self.store.changes_since(seq, CHANGES_PAGE)
                    for _, kind, ident in page:
                        changed[kind].add(ident)
                    seq = page[-1][0] if page else seq
                    count += len(page)
                    if len(page) < CHANGES_PAGE:
                        break
                rebuild = count > MAX_CHANGES
            if not rebuild:
                self._apply(changed)
                self._by_area.clear()
                self._mark = (mark[0], seq)
                return True
        return self._rebuild()

    def _apply(self, changed: dict[str, set[str]]) -> None:
        """Read again the rows of every service changed, of a changed organization or at a
        changed location (all its rows, wherever they are), replacing what was indexed."""
        for kind, idents in changed.items():
            for ident in idents:
                self._remove(kind, ident)
        fetched = list(self.store.located_candidates(
            service_ids=changed["service"], organization_ids=changed["organization"],
            location_ids=changed["location"],
        ))  # fmt: skip
        for service_id in {row.key[0] for row in fetched}:
            self._remove("service", service_id)
        for row in fetched:
            self._add(row)
        if len(self._rows) - self._in_tree > max(COMPACT_MIN, REBUILD_SHARE * len(self._rows)):
            self._compact()

    def _compact(self) -> None:
        """Drop removed rows and plant a new tree over all the others."""
        kept = [row for row in self._rows if row is not None]
        xyz, needs, tiers = self._xyz, self._needs, self._tiers
        alive = [n for n, row in enumerate(self._rows) if row is not None]
        self._reset(len(kept))
        for new, (old, row) in enumerate(zip(alive, kept, strict=True)):
            self._xyz[new], self._needs[new], self._tiers[new] = xyz[old], needs[old], tiers[old]
            self._register(new, row)
        self._plant()

    # -- the nearby search ------------------------------------------------------------------

    def candidates_near(
        self,
        lat: float,
        lon: float,
        radius_km: float,
        needs: Iterable[str],
        tiers: frozenset[str] = frozenset({"public"}),
        exclude_km: float | None = None,
    ) -> list[NearRow]:
        """The rows :meth:`~directory.store.base.Store.candidates_near` promises, from memory:
        every row within ``radius_km`` (by a margin), none the same call with ``exclude_km``
        returns, ordered by service then location id."""
        import numpy as np

        with self._lock:
            point = np.array(unit_vector(lat, lon))
            reach = chord(radius_km)
            found = self._within(point, reach)
            wanted = sum(self._need_bit.get(need, 0) for need in needs)
            tier_bits = sum(TIERS[t] for t in tiers)
            found = found[
                (self._needs[found] & wanted != 0) & (self._tiers[found] & tier_bits != 0)
            ]
            d2 = ((self._xyz[found] - point) ** 2).sum(axis=1)
            keep = d2 <= reach * reach
            if exclude_km is not None:
                inner = chord(exclude_km)
                keep &= d2 > inner * inner
            rows: list[Any] = [self._rows[n] for n in found[keep]]
        return sorted(rows, key=lambda row: row.key)

    def candidates_by_area(
        self, pcodes: Iterable[str], needs: Iterable[str], hotline_needs: Iterable[str] = ()
    ) -> list[CandidateRow]:
        """The store's :meth:`~directory.store.base.Store.candidates_by_area`, kept from one
        change of the directory to the next (the same question gets the same answer until
        then)."""
        key = (frozenset(pcodes), frozenset(needs), frozenset(hotline_needs))
        with self._lock:
            found = self._by_area.get(key)
            if found is None:
                if len(self._by_area) >= AREA_ANSWERS:
                    self._by_area.clear()
                found = self._by_area[key] = self.store.candidates_by_area(*key)
            return list(found)

    def _within(self, point: np.ndarray, reach: float) -> np.ndarray:
        """Row numbers within ``reach`` of ``point`` (a little more, never less)."""
        import numpy as np

        parts = []
        if self._tree is not None:
            hits = self._tree.query_ball_point(point, reach * (1 + 1e-9) + 1e-12)
            parts.append(np.asarray(hits, dtype=np.int64))
        if len(self._rows) > self._in_tree:
            parts.append(np.arange(self._in_tree, len(self._rows), dtype=np.int64))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return sum(row is not None for row in self._rows)


_INDEXES: weakref.WeakKeyDictionary[Store, MatchIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def index_for(store: Store, min_services: int = DEFAULT_MIN_SERVICES) -> MatchIndex:
    """The match index of ``store`` in this process, used from ``min_services`` services."""
    with _INDEXES_LOCK:
        found = _INDEXES.get(store)
        if found is None:
            found = _INDEXES[store] = MatchIndex(store, min_services)
        found.min_services = min_services
        return found
