"""Referral flows between organizations by month, with small-cell suppression.

:func:`referral_events` reads the referrals the caseworkers' workspace records (referring
organization, receiving organization, month: nothing about the survivor); everything else works
on any list of :class:`ReferralEvent`.

The published table has a row per referral agreement (source → target) plus one row,
:data:`OTHER`, for referrals outside any agreement, so the rows reveal nothing the agreements do
not already show. Its columns are the months from the first to the last event; it carries row
totals, column totals and the grand total.

Suppression (:func:`protect`), the rule of ``docs/coverage.md``:

1. *Primary*: every count from 1 to 4, totals included, is withheld (:data:`MIN_COUNT` = 5).
   Zeros are published: they describe no one.
2. *Secondary*: no withheld count may be worked out from the published ones. Write the table
   with its totals as an (R+1)×(C+1) array whose every row and column adds up to zero (totals
   negated); a withheld entry can be derived from the published entries exactly when it is a
   *bridge* of the bipartite graph whose nodes are the rows and columns and whose edges are the
   withheld entries (it lies on no cycle). So while a bridge remains, withhold the published
   positive counts of least total that close a cycle through it (a shortest path). Only
   positive counts are ever withheld, so every withheld count can move by ±1 along its cycle,
   alternately up and down, without making any count negative or changing anything published:
   none is recoverable, even knowing that counts are never negative.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from directory.store.base import Store

MIN_COUNT = 5
OTHER = ("*", "*")
"""The row of referrals between organizations without a referral agreement."""


@dataclass(frozen=True)
class ReferralEvent:
    """One referral from ``source`` to ``target`` organization in ``month`` (``YYYY-MM``)."""

    source: str
    target: str
    month: str


@dataclass(frozen=True)
class FlowTable:
    """Counts by pair (rows) and month (columns); None where withheld."""

    pairs: list[tuple[str, str]]
    months: list[str]
    cells: list[list[int | None]]
    pair_totals: list[int | None]
    month_totals: list[int | None]
    total: int | None

    @property
    def withheld(self) -> int:
        """How many entries, totals included, are withheld."""
        entries = [*(c for row in self.cells for c in row), *self.pair_totals, *self.month_totals]
        return sum(1 for c in [*entries, self.total] if c is None)


REFERRALS = "referral"
"""The store's collection of the referrals the workspace records
(:mod:`directory.core.referrals`)."""
SCAN_LIMIT = 100_000


def referral_events(store: Store) -> list[ReferralEvent]:
    """The referrals recorded in the workspace, as (referring organization, receiving
    organization, month). A referral made by someone without an organization (a coordinator)
    has no source and is left out; closed referrals past their retention are already gone."""
    return [
        ReferralEvent(
            doc["referring_organization_id"], doc["organization_id"], doc["created_at"][:7]
        )
        for doc in (r.doc for r in store.find_records(REFERRALS, limit=SCAN_LIMIT))
        if doc.get("referring_organization_id")
    ]


def flow_table(
    events: Iterable[ReferralEvent], agreements: Iterable[tuple[str, str]] = ()
) -> FlowTable:
    """The suppressed table of ``events``: a row per agreement (source, target) and one
    :data:`OTHER` row, a column per month from the first event's to the last's."""
    pairs = sorted(set(agreements))
    known = set(pairs)
    counts: Counter[tuple[tuple[str, str], str]] = Counter()
    for e in events:
        pair = (e.source, e.target)
        counts[(pair if pair in known else OTHER, e.month)] += 1
    pairs.append(OTHER)
    months = _month_range({m for _, m in counts})
    inner = [[counts[(p, m)] for m in months] for p in pairs]
    table = augmented(inner, len(months))
    mask = protect(inner, len(months))
    shown = [[None if mask[i][j] else v for j, v in enumerate(row)] for i, row in enumerate(table)]
    return FlowTable(
        pairs=pairs,
        months=months,
        cells=[row[:-1] for row in shown[:-1]],
        pair_totals=[row[-1] for row in shown[:-1]],
        month_totals=shown[-1][:-1],
        total=shown[-1][-1],
    )


def augmented(inner: list[list[int]], columns: int) -> list[list[int]]:
    """The table with a total column on the right and a total row at the bottom."""
    rows = [[*row, sum(row)] for row in inner]
    totals = [sum(row[j] for row in rows) for j in range(columns + 1)]
    return [*rows, totals]


def protect(inner: list[list[int]], columns: int) -> list[list[bool]]:
    """Which entries of :func:`augmented` ``(inner)`` to withhold (see the module docstring)."""
    table = augmented(inner, columns)
    mask = [[0 < v < MIN_COUNT for v in row] for row in table]
    while (bridge := _first_bridge(mask)) is not None:
        for i, j in _closing(table, mask, bridge):
            mask[i][j] = True
    return mask


def _edges(mask: list[list[bool]]) -> list[tuple[int, int]]:
    return [(i, j) for i, row in enumerate(mask) for j, hidden in enumerate(row) if hidden]


def _first_bridge(mask: list[list[bool]]) -> tuple[int, int] | None:
    """A withheld entry on no cycle of withheld entries (rows i and columns j as nodes)."""
    rows = len(mask)
    edges = _edges(mask)
    adjacency: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for k, (i, j) in enumerate(edges):
        adjacency[i].append((rows + j, k))
        adjacency[rows + j].append((i, k))
    for k in _bridges(adjacency):
        return edges[k]
    return None


def _bridges(adjacency: dict[int, list[tuple[int, int]]]) -> list[int]:
    """Edge numbers of the bridges of an undirected graph (Tarjan, iterative)."""
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: list[int] = []
    for start in sorted(adjacency):
        if start in order:
            continue
        order[start] = low[start] = len(order)
        stack = [(start, -1, iter(adjacency[start]))]
        while stack:
            node, via, neighbours = stack[-1]
            for other, k in neighbours:
                if k == via:
                    continue
                if other not in order:
                    order[other] = low[other] = len(order)
                    stack.append((other, k, iter(adjacency[other])))
                    break
                low[node] = min(low[node], order[other])
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.append(via)
    return sorted(found)


def _closing(
    table: list[list[int]], mask: list[list[bool]], bridge: tuple[int, int]
) -> list[tuple[int, int]]:
    """The cheapest entries to withhold so that ``bridge`` lies on a cycle of withheld entries.

    A cycle through entry (i, j) is a path from row i to column j that avoids the entry: over
    withheld entries (free) and positive published ones (costing their count). Dijkstra finds
    the path of least withheld total. One always exists: an entry's row total, column total and
    the grand total (or, for a total, a positive cell of its line) close a rectangle.
    """
    rows, columns = len(table), len(table[0])
    start, goal = bridge[0], rows + bridge[1]
    best = {start: 0}
    via: dict[int, tuple[int, tuple[int, int]]] = {}
    queue = [(0, start)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == goal:
            break
        if cost > best[node]:
            continue
        for entry in _entries_at(node, rows, columns):
            value = table[entry[0]][entry[1]]
            if entry == bridge or value <= 0:
                continue
            other = rows + entry[1] if node < rows else entry[0]
            step = cost + (0 if mask[entry[0]][entry[1]] else value)
            if step < best.get(other, step + 1):
                best[other], via[other] = step, (node, entry)
                heapq.heappush(queue, (step, other))
    assert goal in via, "a positive entry always lies on a rectangle of positive entries"
    path, node = [], goal
    while node != start:
        node, entry = via[node]
        path.append(entry)
    return [(i, j) for i, j in path if not mask[i][j]]


def _entries_at(node: int, rows: int, columns: int) -> list[tuple[int, int]]:
    """The entries of a row node (``node < rows``) or of a column node (``rows + j``)."""
    if node < rows:
        return [(node, j) for j in range(columns)]
    return [(i, node - rows) for i in range(rows)]


def _month_range(months: set[str]) -> list[str]:
    """Every month from the earliest to the latest of ``months`` (``YYYY-MM``)."""
    if not months:
        return []
    first, last = min(months), max(months)
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while (label := f"{year:04d}-{month:02d}") <= last:
        found.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found
