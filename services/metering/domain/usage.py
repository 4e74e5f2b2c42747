"""Usage events: which are acceptable, and what a batch of accepted ones adds up to.

Each bad event gets its own reason, so a batch keeps its good events. Samples fold into
per-day log bytes, per-day peaks and per-period histograms of active series (for P95);
allocation changes are grouped per (tenant, cluster, meter) for the step-function state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from services.metering.domain.allocations import Point, inner_integral
from services.metering.domain.digests import Digests, DigestSet
from services.metering.domain.meters import ALLOCATION_UNITS, LOGS, SAMPLE_UNITS
from services.metering.domain.periods import DAY, period_of_day

# Producers' clocks drift; anything later than this past "now" is a mistake, not usage.
FUTURE_SKEW_SECONDS = 300
MAX_ID_LENGTH = 200
ZERO, MINUS_ONE = Decimal(0), Decimal(-1)
# (id, tenant, cluster, meter, unit, quantity, time in epoch seconds; 0 when missing)
EventFields = tuple[str, str, str, str, str, str, int]


@dataclass(slots=True)
class Events:
    """A batch's events as parallel columns: event i is (ids[i], tenants[i], ...).

    Columns let a clean batch be checked with one set or min/max per column, in C, instead of
    a Python step per event (`sort_out`). `times` holds 0 for a missing time, as on the wire.
    """

    ids: list[str] = field(default_factory=list)
    tenants: list[str] = field(default_factory=list)
    clusters: list[str] = field(default_factory=list)
    meters: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    quantities: list[str] = field(default_factory=list)
    times: list[int] = field(default_factory=list)

    @classmethod
    def of_rows(cls, rows: Iterable[EventFields]) -> Events:
        events = cls()
        events.add_rows(rows)
        return events

    def add_rows(self, rows: Iterable[EventFields]) -> None:
        columns = list(zip(*rows, strict=True))
        if columns:
            self.add(Events(*map(list, columns)))

    def add(self, other: Events) -> None:
        for column, more in zip(self.columns(), other.columns(), strict=True):
            column += more

    def __len__(self) -> int:
        return len(self.ids)

    def columns(self) -> tuple[list[Any], ...]:
        return (
            self.ids,
            self.tenants,
            self.clusters,
            self.meters,
            self.units,
            self.quantities,
            self.times,
        )

    def slice(self, start: int, stop: int) -> Events:
        return Events(*(column[start:stop] for column in self.columns()))

    def rows(self) -> Iterator[EventFields]:
        return zip(*self.columns(), strict=True)


@dataclass(frozen=True)
class TenantTerms:
    """What validating a tenant's usage needs: when it started and which periods are closed."""

    first_start: int
    cuts: tuple[int, ...]  # plan-window starts, sorted
    closed: tuple[tuple[int, int], ...] = ()  # bounds of closed periods
    closed_until: int = 0  # end of the latest closed period: later times are all open

    @classmethod
    def of(cls, starts: tuple[int, ...], closed: tuple[tuple[int, int], ...]) -> TenantTerms:
        return cls(starts[0], starts, closed, max((end for _, end in closed), default=0))

    def is_closed(self, at: int) -> bool:
        return at < self.closed_until and any(lo <= at < hi for lo, hi in self.closed)


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: str
    message: str


@dataclass(slots=True)
class Accepted:
    """The acceptable events of a batch, as columns (event i is positions[i] in the batch)."""

    positions: Sequence[int]
    ids: list[str]
    tenants: list[str]
    clusters: list[str]
    meters: list[str]
    times: list[int]
    quantities: list[Decimal]
    periods: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    def columns(self) -> tuple[list[Any], ...]:
        """Every column but `positions`, in field order."""
        return (
            self.ids,
            self.tenants,
            self.clusters,
            self.meters,
            self.times,
            self.quantities,
            self.periods,
        )

    @classmethod
    def joined(cls, parts: Sequence[tuple[int, Accepted]]) -> Accepted:
        """Parts of one batch, each with its offset in the batch, in batch order."""
        whole = cls([], [], [], [], [], [], [], [])
        positions: list[int] = []
        for offset, part in parts:
            positions += [offset + position for position in part.positions]
            for column, more in zip(whole.columns(), part.columns(), strict=True):
                column += more
        whole.positions = positions
        return whole


def check(
    event_id: str,
    tenant: str,
    cluster: str,
    meter: str,
    unit: str,
    quantity_text: str,
    at: int,
    terms: TenantTerms | None,
    now: int,
) -> Decimal | Rejection:
    """The event's quantity when it is acceptable, else why not (`at` 0: no time given)."""
    if not event_id or len(event_id) > MAX_ID_LENGTH or not event_id.isprintable():
        return Rejection(
            "INVALID_ID",
            f"an event id is required: at most {MAX_ID_LENGTH} printable characters",
        )
    expected = UNITS.get(meter)
    if expected is None:
        return Rejection("UNKNOWN_METER", f"meter '{meter}' is not one metering knows")
    if unit and unit != expected:
        return Rejection("WRONG_UNIT", f"meter '{meter}' is measured in '{expected}', not '{unit}'")
    if terms is None:
        return Rejection("UNKNOWN_TENANT", f"tenant '{tenant}' does not exist")
    if not cluster.isprintable():
        return Rejection("INVALID_CLUSTER", "a cluster id holds printable characters only")
    quantity = _QUANTITIES.get(quantity_text)
    if quantity is None:
        quantity = _quantity(quantity_text)
    if quantity.__class__ is Rejection:
        return quantity
    if not at:
        which = "effective_time" if meter in ALLOCATION_UNITS else "sample_time"
        return Rejection("MISSING_TIME", f"{which} is required for meter '{meter}'")
    if at > now + FUTURE_SKEW_SECONDS:
        return Rejection("TOO_FAR_IN_FUTURE", "the event's time is in the future")
    if at < terms.first_start:
        return Rejection("BEFORE_SUBSCRIPTION", f"tenant '{tenant}' had no plan at that time")
    if at < terms.closed_until and terms.is_closed(at):
        return Rejection("PERIOD_CLOSED", "the event's billing period is closed")
    return quantity


UNITS = {**ALLOCATION_UNITS, **SAMPLE_UNITS}
# Producers send the same few quantities over and over: parse each text once.
_QUANTITIES: dict[str, Decimal | Rejection] = {}
_MAX_CACHED = 65_536


def _quantity(text: str) -> Decimal | Rejection:
    value: Decimal | Rejection
    try:
        value = parsed = Decimal(text)
    except InvalidOperation:
        value = Rejection("INVALID_QUANTITY", f"quantity '{text}' is not a decimal number")
    else:
        if not parsed.is_finite():
            value = Rejection("INVALID_QUANTITY", "quantity must be a finite number")
        elif parsed < 0:
            value = Rejection("NEGATIVE_QUANTITY", f"quantity {text} is negative")
    if len(_QUANTITIES) >= _MAX_CACHED:
        _QUANTITIES.clear()
    _QUANTITIES[text] = value
    return value


@dataclass
class BatchTotals:
    """What a batch of new (not duplicate) accepted events adds, keyed for the aggregates."""

    changes: dict[tuple[str, str, str], list[Point]] = field(default_factory=dict)
    logs: dict[tuple[str, int, str], Decimal] = field(default_factory=dict)
    histogram: dict[tuple[str, str, str, Decimal], int] = field(default_factory=dict)
    peaks: dict[tuple[str, int, str], Decimal] = field(default_factory=dict)
    sampled: set[tuple[str, str]] = field(default_factory=set)  # (tenant, period)

    def sorted_changes(self) -> dict[tuple[str, str, str], list[Point]]:
        return {k: sorted(v) for k, v in self.changes.items()}


def sort_out(
    events: Events, terms: dict[str, TenantTerms], now: int, slice_size: int = 1024
) -> tuple[list[Rejection | None], Accepted]:
    """Per event its rejection (None when acceptable), and the acceptable ones.

    The hot path of ingest. A batch is checked a column at a time first; only a batch with
    some bad event (or with times that need a closer look) is checked event by event.
    """
    accepted = _all_acceptable(events, terms, now)
    if accepted is not None:
        return [None] * len(events), accepted
    if len(events) <= slice_size:
        return _one_by_one(events, terms, now)
    # A few bad events must not send the whole batch down the slow path: only their slices.
    rejections: list[Rejection | None] = []
    parts: list[tuple[int, Accepted]] = []
    for start in range(0, len(events), slice_size):
        part_rejections, part = sort_out(events.slice(start, start + slice_size), terms, now)
        rejections += part_rejections
        parts.append((start, part))
    return rejections, Accepted.joined(parts)


def _all_acceptable(events: Events, terms: dict[str, TenantTerms], now: int) -> Accepted | None:
    """Every event of the batch, when each column passes as a whole; else None."""
    count = len(events)
    if not count:
        return Accepted([], [], [], [], [], [], [], [])
    tenant_terms = [terms.get(tenant) for tenant in set(events.tenants)]
    meters = set(events.meters)
    if None in tenant_terms or not meters <= UNITS.keys():
        return None
    if set(events.units) != {""}:
        pairs = set(zip(events.meters, events.units, strict=True))
        if not all(not unit or UNITS[meter] == unit for meter, unit in pairs):
            return None
    times = events.times
    first, last = min(times), max(times)
    if last > now + FUTURE_SKEW_SECONDS or any(
        first < t.first_start or first < t.closed_until  # type: ignore[union-attr]
        for t in tenant_terms
    ):
        return None  # some time is missing, early, late or closed (or the batch spans more)
    values: dict[str, Decimal] = {}
    for text in set(events.quantities):
        value = _QUANTITIES.get(text)
        if value is None:
            value = _quantity(text)
        if value.__class__ is not Decimal:
            return None
        values[text] = value
    ids = events.ids
    if not (
        0 < min(map(len, ids))
        and max(map(len, ids)) <= MAX_ID_LENGTH
        and _all_printable(ids)
        and _all_printable(list(set(events.clusters)))
    ):
        return None
    period = period_of_day(first // DAY)
    if period_of_day(last // DAY) == period:
        periods = [period] * count
    else:
        periods = [period_of_day(at // DAY) for at in times]
    quantities = list(map(values.__getitem__, events.quantities))
    return Accepted(
        range(count),
        ids,
        events.tenants,
        events.clusters,
        events.meters,
        times,
        quantities,
        periods,
    )


_ASCII_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _all_printable(texts: list[str]) -> bool:
    """str.isprintable of every text: ASCII text, the usual case, by one scan in C."""
    joined = "".join(texts)
    if joined.isascii():
        return _ASCII_CONTROL.search(joined) is None
    return all(map(str.isprintable, texts))


def _one_by_one(
    events: Events, terms: dict[str, TenantTerms], now: int
) -> tuple[list[Rejection | None], Accepted]:
    rejections: list[Rejection | None] = [None] * len(events)
    positions: list[int] = []
    quantities: list[Decimal] = []
    for i, event in enumerate(events.rows()):
        event_id, tenant, cluster, meter, unit, text, at = event
        result = check(event_id, tenant, cluster, meter, unit, text, at, terms.get(tenant), now)
        if result.__class__ is Rejection:
            rejections[i] = result
        else:
            positions.append(i)
            quantities.append(result)  # type: ignore[arg-type]
    ids, tenants, clusters, meters = (
        [column[i] for i in positions]
        for column in (events.ids, events.tenants, events.clusters, events.meters)
    )
    times = [events.times[i] for i in positions]
    periods = [period_of_day(at // DAY) for at in times]
    return rejections, Accepted(
        positions, ids, tenants, clusters, meters, times, quantities, periods
    )


def fold(
    accepted: Accepted, applied: Mapping[str, DigestSet]
) -> tuple[BatchTotals, dict[str, list[str]], list[int], dict[str, Digests]]:
    """(what the new events add, their ids per period, positions of duplicates, the digests
    of those new ids per period).

    An id is a duplicate when `applied` (per period) or an earlier event of the batch has it.
    """
    ids, periods = accepted.ids, accepted.periods
    keys = Digests.of(ids)
    known = _known(keys, periods, applied)
    if known is None and len(set(ids)) == len(ids):  # the common case
        if len(set(periods)) == 1:
            return _totals(accepted), {periods[0]: list(ids)}, [], {periods[0]: keys}
        fresh, fresh_keys = _per_period(ids, periods, list(range(len(ids))), keys)
        return _totals(accepted), fresh, [], fresh_keys
    duplicates, kept = [], []
    in_batch: set[str] = set()
    flags = known.tolist() if known is not None else [False] * len(ids)
    for i, event_id in enumerate(ids):
        if event_id in in_batch or flags[i]:
            duplicates.append(accepted.positions[i])
            continue
        in_batch.add(event_id)
        kept.append(i)
    fresh, fresh_keys = _per_period(ids, periods, kept, keys)
    return _totals(_subset(accepted, kept)), fresh, duplicates, fresh_keys


def _known(
    keys: Digests, periods: list[str], applied: Mapping[str, DigestSet]
) -> np.ndarray | None:
    """Per event, whether its period's applied ids hold it; None when none does (the usual)."""
    distinct = set(periods)
    if len(distinct) == 1:
        found = applied[periods[0]].contains(keys)
    else:
        column = np.asarray(periods)
        found = np.zeros(len(keys), bool)
        for period in distinct:
            at = np.flatnonzero(column == period)
            found[at] = applied[period].contains(keys.take(at))
    return found if found.any() else None


def _per_period(
    ids: list[str], periods: list[str], kept: list[int], keys: Digests
) -> tuple[dict[str, list[str]], dict[str, Digests]]:
    """The ids at indexes `kept`, and their digests, per period."""
    at: dict[str, list[int]] = {}
    for i in kept:
        at.setdefault(periods[i], []).append(i)
    fresh = {period: [ids[i] for i in index] for period, index in at.items()}
    return fresh, {period: keys.take(np.array(index)) for period, index in at.items()}


def _totals(accepted: Accepted) -> BatchTotals:
    totals = BatchTotals()
    changes, logs, histogram, peaks = totals.changes, totals.logs, totals.histogram, totals.peaks
    for meter, tenant, cluster, at, event_id, quantity, period in zip(
        accepted.meters,
        accepted.tenants,
        accepted.clusters,
        accepted.times,
        accepted.ids,
        accepted.quantities,
        accepted.periods,
        strict=True,
    ):
        if meter in ALLOCATION_UNITS:
            group = changes.get((tenant, cluster, meter))
            if group is None:
                group = changes[tenant, cluster, meter] = []
            group.append((at, event_id, quantity))  # a plain tuple: Change() costs 0.4 us
            continue
        key = (tenant, at - at % DAY, cluster)
        if meter == LOGS:
            logs[key] = logs.get(key, ZERO) + quantity
        else:  # METRICS
            bucket = (tenant, period, cluster, quantity)
            histogram[bucket] = histogram.get(bucket, 0) + 1
            if quantity > peaks.get(key, MINUS_ONE):
                peaks[key] = quantity
    # Per key, not per event: every sample is in the logs or the histogram.
    totals.sampled.update((tenant, period_of_day(day // DAY)) for tenant, day, _ in logs)
    totals.sampled.update((tenant, period) for tenant, period, _, _ in histogram)
    return totals


def _subset(accepted: Accepted, kept: list[int]) -> Accepted:
    """The events at indexes `kept` of `accepted`."""
    return Accepted(
        [accepted.positions[i] for i in kept],
        *([column[i] for i in kept] for column in accepted.columns()),
    )


Key = tuple[str, str, str]  # tenant, cluster, meter


@dataclass
class Folded:
    """A batch's new events, folded: what they add, their ids, each key's own integral."""

    totals: BatchTotals
    fresh: dict[str, list[str]]  # period -> ids
    keys: dict[str, Digests]  # period -> digests of `fresh`
    duplicates: list[int]  # positions
    changes: dict[Key, list[Point]]  # sorted per key
    inner: dict[Key, dict[int, Decimal]]  # per key: inner_integral of its changes
    against: dict[str, tuple[DigestSet, int]]  # period -> the set folded against, its adds then

    def still_new(self, applied: Mapping[str, DigestSet]) -> bool:
        """Whether the new ids are still new against `applied`, the sets as they are now:
        only what was added to a set since the fold is looked at, when it is the same set."""
        for period, keys in self.keys.items():
            held, adds = self.against[period]
            now = applied[period]
            fresh = now.isdisjoint_since(adds, keys) if now is held else None
            if fresh is None:
                fresh = now.isdisjoint(keys)
            if not fresh:
                return False
        return True


def fold_batch(
    accepted: Accepted, applied: Mapping[str, DigestSet], terms: dict[str, TenantTerms]
) -> Folded:
    totals, fresh, duplicates, keys = fold(accepted, applied)
    changes = totals.sorted_changes()
    inner = {key: inner_integral(new, terms[key[0]].cuts) for key, new in changes.items()}
    against = {period: (applied[period], applied[period].adds) for period in keys}
    return Folded(totals, fresh, keys, duplicates, changes, inner, against)
