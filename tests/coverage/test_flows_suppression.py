"""Small-cell suppression of referral flows: no published count from 1 to 4, and no withheld
count recoverable from the published cells and totals (checked by exact linear algebra,
independently of how :func:`directory.coverage.flows.protect` chooses what to withhold)."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from directory.coverage.flows import (
    MIN_COUNT,
    OTHER,
    FlowTable,
    ReferralEvent,
    flow_table,
)

ORGS = ("a", "b", "c", "d")
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04")


def true_table(events, agreements, months):
    """The unsuppressed table as (R+1)×(C+1) values, rows as in the published table."""
    pairs = [*sorted(set(agreements)), OTHER]
    counts = Counter()
    for e in events:
        pair = (e.source, e.target)
        counts[(pair if pair in set(agreements) else OTHER, e.month)] += 1
    inner = [[counts[(p, m)] for m in months] for p in pairs]
    rows = [[*r, sum(r)] for r in inner]
    return [*rows, [sum(r[j] for r in rows) for j in range(len(months) + 1)]]


def published(table: FlowTable):
    """The published table as (R+1)×(C+1) values, None where withheld."""
    rows = [[*cells, total] for cells, total in zip(table.cells, table.pair_totals, strict=True)]
    return [*rows, [*table.month_totals, table.total]]


def determined_entries(values):
    """Withheld entries (None) that the published ones and the additivity of the table fix.

    Unknowns are the withheld entries; each row says its cells add up to its total, each
    column likewise (the total row and column included). An unknown is determined exactly
    when it is zero in every solution of the homogeneous system: a pivot whose reduced row
    has no free variable.
    """
    n_rows, n_cols = len(values), len(values[0])
    unknowns = [(i, j) for i in range(n_rows) for j in range(n_cols) if values[i][j] is None]
    index = {cell: k for k, cell in enumerate(unknowns)}

    lines = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    matrix = []
    for line in lines:
        last = line[-1]
        row = [Fraction(0)] * len(unknowns)
        for cell in line:  # the line's cells add up to its last entry, its total
            if cell in index:
                row[index[cell]] += -1 if cell == last else 1
        matrix.append(row)
    pivots = _rref(matrix, len(unknowns))
    free = set(range(len(unknowns))) - {c for _, c in pivots}
    return [unknowns[c] for r, c in pivots if all(matrix[r][f] == 0 for f in free)]


def _rref(matrix, width):
    """Reduce ``matrix`` in place; return (row, pivot column) pairs."""
    pivots, r = [], 0
    for c in range(width):
        p = next((k for k in range(r, len(matrix)) if matrix[k][c] != 0), None)
        if p is None:
            continue
        matrix[r], matrix[p] = matrix[p], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [v / lead for v in matrix[r]]
        for k in range(len(matrix)):
            if k != r and matrix[k][c] != 0:
                factor = matrix[k][c]
                matrix[k] = [a - factor * b for a, b in zip(matrix[k], matrix[r], strict=True)]
        pivots.append((r, c))
        r += 1
    return pivots


events_strategy = st.lists(
    st.builds(
        ReferralEvent,
        st.sampled_from(ORGS),
        st.sampled_from(ORGS),
        st.sampled_from(MONTHS),
    ),
    max_size=150,
)
agreements_strategy = st.lists(
    st.tuples(st.sampled_from(ORGS), st.sampled_from(ORGS)), max_size=6, unique=True
)


@settings(max_examples=400, deadline=None)
@given(events=events_strategy, agreements=agreements_strategy)
def test_no_small_count_is_published_or_recoverable(events, agreements):
    table = flow_table(events, agreements)
    shown = published(table)
    truth = true_table(events, agreements, table.months)
    for shown_row, true_row in zip(shown, truth, strict=True):
        for value, true in zip(shown_row, true_row, strict=True):
            assert value is None or value == true
            assert value is None or not 0 < value < MIN_COUNT
            assert value is not None or true >= 1  # zeros are never withheld
    assert determined_entries(shown) == []
    assert table.withheld == sum(v is None for row in shown for v in row)


def test_the_checker_finds_recoverable_cells():
    # A table where only one cell is withheld is recoverable: the checker must say so.
    values = [[None, 7, 7 + 3], [6, 6, 12], [9, 13, 22]]
    assert determined_entries(values) == [(0, 0)]
    values = [[None, None, 10], [None, None, 12], [9, 13, 22]]
    assert determined_entries(values) == []


def test_a_single_small_flow_is_protected_by_the_cheapest_cycle():
    events = [ReferralEvent("a", "b", "2026-01")] * 3 + [ReferralEvent("b", "a", "2026-01")] * 20
    events += [ReferralEvent("a", "b", "2026-02")] * 9 + [ReferralEvent("b", "a", "2026-02")] * 8
    table = flow_table(events, [("a", "b"), ("b", "a")])
    assert table.months == ["2026-01", "2026-02"]
    shown = published(table)
    assert all(v is None or v == 0 or v >= MIN_COUNT for row in shown for v in row)
    assert shown[0][0] is None and determined_entries(shown) == []
    # The cheapest cycle is the 2x2 block of cells; every total stays published.
    assert table.cells == [[None, None], [None, None], [0, 0]]
    assert table.pair_totals == [12, 28, 0] and table.month_totals == [23, 17]
    assert table.total == 40


def test_tiny_totals_withhold_everything_positive():
    table = flow_table([ReferralEvent("a", "b", "2026-03")] * 2, [("a", "b")])
    assert table.cells == [[None], [0]] and table.pair_totals == [None, 0]
    assert table.month_totals == [None] and table.total is None


def test_months_run_from_first_to_last_and_other_pairs_are_pooled():
    events = [ReferralEvent("a", "b", "2025-11"), ReferralEvent("c", "d", "2026-02")]
    table = flow_table(events * 5, [("a", "b")])
    assert table.months == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert table.pairs == [("a", "b"), OTHER]
    assert table.cells == [[5, 0, 0, 0], [0, 0, 0, 5]] and table.total == 10


def test_an_empty_table_has_no_months_and_withholds_nothing():
    table = flow_table([], [("a", "b")])
    assert table.months == [] and table.total == 0 and table.withheld == 0
