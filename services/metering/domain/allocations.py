"""Allocations as step functions, kept as running quantity-seconds per segment.

Per (tenant, cluster, meter) the state is the latest change (time, id, quantity); everything
before it is already integrated into per-segment quantity-seconds ("closed" integrals). The
open tail (latest quantity since its time) is added when rating, up to the moment rated. An
event after the latest change only closes the tail; a late one changes the function from its
predecessor on, so the difference of the new and old integrals over that range is added.
Changes at the same second are ordered by event id, so any arrival order gives one answer.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from services.metering.domain.periods import DAY, split

ZERO = Decimal(0)


# A change as (at, id, quantity): what ingest builds per event, a Change without its names.
Point = tuple[int, str, Decimal]


class Change(NamedTuple):
    """Sorts by (at, id): ids are unique, so the quantity never decides."""

    at: int
    id: str
    quantity: Decimal

    @property
    def key(self) -> tuple[int, str]:
        return (self.at, self.id)


def integrate(
    points: Sequence[Point],
    start: int,
    end: int,
    cuts: Sequence[int],
    into: dict[int, Decimal],
    sign: int = 1,
) -> None:
    """Adds sign * integral over [start, end) of the step function `points` (sorted) per segment.

    The function is points[i].quantity on [points[i].at, points[i+1].at); start must not be
    before points[0].at.
    """
    count = len(points)
    for i in range(count):
        at, _, quantity = points[i]
        lo = at if at > start else start
        hi = points[i + 1][0] if i + 1 < count else end
        hi = hi if hi < end else end
        if hi <= lo or not quantity:
            continue
        if sign < 0:
            quantity = -quantity
        day = lo - lo % DAY
        c = bisect_right(cuts, lo)
        if hi <= day + DAY and (c == len(cuts) or hi <= cuts[c]):
            # The common case, within one segment: no generator, no second bisect.
            seg = cuts[c - 1] if c and cuts[c - 1] > day else day
            into[seg] = into.get(seg, ZERO) + quantity * (hi - lo)
            continue
        for seg, seconds in split(lo, hi, cuts):
            into[seg] = into.get(seg, ZERO) + quantity * seconds


def integral(points: Sequence[Change], start: int, end: int) -> Decimal:
    """Quantity-seconds of `points` over [start, end), in one number."""
    total: dict[int, Decimal] = {}
    integrate(points, start, end, (), total)
    return sum(total.values(), ZERO)


def is_in_order(last: Change | None, new: Sequence[Point]) -> bool:
    return last is None or new[0][:2] > last[:2]


def apply_in_order(
    last: Change | None, new: Sequence[Point], cuts: Sequence[int], into: dict[int, Decimal]
) -> Change:
    """New changes all after the latest: close the tail up to each; returns the new latest.

    Ingest does this in its two halves: `inner_integral` while the batch is prepared (in
    parallel), `close_tail` at write time, once the stored latest change is known.
    """
    for seg, qs in inner_integral(new, cuts).items():
        into[seg] = into.get(seg, ZERO) + qs
    close_tail(last, new[0], cuts, into)
    return Change(*new[-1])


def inner_integral(new: Sequence[Point], cuts: Sequence[int]) -> dict[int, Decimal]:
    """The batch's own part, from its first change to its last: needs nothing stored."""
    into: dict[int, Decimal] = {}
    integrate(new, new[0][0], new[-1][0], cuts, into)
    return into


def close_tail(
    last: Change | None, first: Point, cuts: Sequence[int], into: dict[int, Decimal]
) -> None:
    """The part before the batch: the latest stored change, held until the batch's first."""
    if last is not None:
        integrate((last, first), last.at, first[0], cuts, into)


def apply_late(
    old: Sequence[Change],
    last: Change,
    new: Sequence[Point],
    cuts: Sequence[int],
    into: dict[int, Decimal],
) -> Change:
    """`old`: the stored changes from the predecessor of new[0] on (sorted, ending at `last`)."""
    merged = sorted([*old, *new])
    start = merged[0][0]
    before = list(old)
    if not before or before[0][:2] > new[0][:2]:
        # Nothing held before the earliest new change: the old function was 0 there.
        before.insert(0, Change(start, "", ZERO))
    latest = merged[-1]
    integrate(merged, start, latest[0], cuts, into)
    integrate(before, start, last.at, cuts, into, sign=-1)
    return Change(*latest)
