"""Allocations as step functions, kept as running quantity-seconds per segment.

Per (tenant, cluster, meter) the state is the latest change (time, id, quantity); everything
before it is already integrated into per-segment quantity-seconds ("closed" integrals). The
open tail (latest quantity since its time) is added when rating, up to the moment rated. An
event after the latest change only closes the tail; a late one changes the function from its
predecessor on, so the difference of the new and old integrals over that range is added.
Changes at the same second are ordered by event id, so any arrival order gives one answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from services.metering.domain.periods import split

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Change:
    at: int
    id: str
    quantity: Decimal

    @property
    def key(self) -> tuple[int, str]:
        return (self.at, self.id)


def integrate(
    points: Sequence[Change],
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
    for i, point in enumerate(points):
        lo = max(point.at, start)
        hi = min(points[i + 1].at if i + 1 < len(points) else end, end)
        if hi <= lo or not point.quantity:
            continue
        quantity = point.quantity if sign > 0 else -point.quantity
        for seg, seconds in split(lo, hi, cuts):
            into[seg] = into.get(seg, ZERO) + quantity * seconds


def integral(points: Sequence[Change], start: int, end: int) -> Decimal:
    """Quantity-seconds of `points` over [start, end), in one number."""
    total: dict[int, Decimal] = {}
    integrate(points, start, end, (), total)
    return sum(total.values(), ZERO)


def is_in_order(last: Change | None, new: Sequence[Change]) -> bool:
    return last is None or new[0].key > last.key


def apply_in_order(
    last: Change | None, new: Sequence[Change], cuts: Sequence[int], into: dict[int, Decimal]
) -> Change:
    """New changes all after the latest: close the tail up to each; returns the new latest."""
    points = [last, *new] if last else list(new)
    integrate(points, points[0].at, new[-1].at, cuts, into)
    return new[-1]


def apply_late(
    old: Sequence[Change],
    last: Change,
    new: Sequence[Change],
    cuts: Sequence[int],
    into: dict[int, Decimal],
) -> Change:
    """`old`: the stored changes from the predecessor of new[0] on (sorted, ending at `last`)."""
    merged = sorted([*old, *new], key=lambda c: c.key)
    start = merged[0].at
    before = list(old)
    if not before or before[0].key > new[0].key:
        # Nothing held before the earliest new change: the old function was 0 there.
        before.insert(0, Change(start, "", ZERO))
    latest = merged[-1]
    integrate(merged, start, latest.at, cuts, into)
    integrate(before, start, last.at, cuts, into, sign=-1)
    return latest
