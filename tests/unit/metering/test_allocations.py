"""Running allocation aggregates equal the step function's integral, whatever the arrival order."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.metering.domain.allocations import (
    Change,
    apply_in_order,
    apply_late,
    is_in_order,
)
from services.metering.domain.periods import DAY, split

T0 = 1_790_000_000 - 1_790_000_000 % DAY


class History:
    """A ~10-line fake of the allocation history table for one (tenant, cluster, meter)."""

    def __init__(self):
        self.rows: list[Change] = []

    def from_predecessor_of(self, first: Change) -> list[Change]:
        before = [c for c in self.rows if c.key < first.key]
        return ([before[-1]] if before else []) + [c for c in self.rows if c.key >= first.key]

    def insert(self, new):
        self.rows = sorted(self.rows + list(new), key=lambda c: c.key)


def fold(batches, cuts):
    """What the ingest handler does per batch, with the fake history; returns segments, last."""
    segments, last, history = {}, None, History()
    for batch in batches:
        new = sorted(batch, key=lambda c: c.key)
        if is_in_order(last, new):
            last = apply_in_order(last, new, cuts, segments)
        else:
            last = apply_late(history.from_predecessor_of(new[0]), last, new, cuts, segments)
        history.insert(new)
    return segments, last


def brute_force(changes, end, cuts):
    """Integral per segment, second by second over the sorted changes."""
    ordered = sorted(changes, key=lambda c: c.key)
    totals = {}
    for i, change in enumerate(ordered):
        stop = ordered[i + 1].at if i + 1 < len(ordered) else end
        for seg, seconds in split(change.at, stop, cuts):
            totals[seg] = totals.get(seg, Decimal(0)) + change.quantity * seconds
    return {k: v for k, v in totals.items() if v}


changes_strategy = st.lists(
    st.tuples(st.integers(0, 3 * DAY), st.decimals(min_value=0, max_value=64, places=3)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(changes_strategy, st.randoms(), st.lists(st.integers(1, 3 * DAY - 1), max_size=3))
def test_any_batching_and_order_gives_the_exact_integral(raw, rnd, cut_offsets):
    changes = [Change(T0 + at, f"e{i:03d}", q) for i, (at, q) in enumerate(raw)]
    cuts = sorted({T0 + c for c in cut_offsets})
    shuffled = list(changes)
    rnd.shuffle(shuffled)
    batches, i = [], 0
    while i < len(shuffled):
        size = rnd.randint(1, 5)
        batches.append(shuffled[i : i + size])
        i += size
    segments, last = fold(batches, cuts)
    closed_until = last.at
    expected = brute_force(changes, closed_until, cuts)
    assert {k: v for k, v in segments.items() if v} == expected
    assert last == max(changes, key=lambda c: c.key)


def test_a_late_change_only_alters_the_time_until_the_next_change():
    cuts: list[int] = []
    segments, last = fold([[Change(T0, "a", Decimal(2)), Change(T0 + 100, "c", Decimal(4))]], cuts)
    assert segments == {T0: Decimal(200)}
    late = apply_late(
        [Change(T0, "a", Decimal(2)), Change(T0 + 100, "c", Decimal(4))],
        last,
        [Change(T0 + 40, "b", Decimal(3))],
        cuts,
        segments,
    )
    assert segments == {T0: Decimal(2 * 40 + 3 * 60)}
    assert late.id == "c"


def test_an_allocation_held_across_midnight_is_split_between_the_days():
    segments: dict[int, Decimal] = {}
    apply_in_order(
        None,
        [Change(T0 + DAY - 10, "a", Decimal(1)), Change(T0 + DAY + 5, "b", Decimal(0))],
        [],
        segments,
    )
    assert segments == {T0: Decimal(10), T0 + DAY: Decimal(5)}
