"""Usage events: which are acceptable, and what a batch of accepted ones adds up to.

Each bad event gets its own reason, so a batch keeps its good events. Samples fold into
per-day log bytes, per-day peaks and per-period histograms of active series (for P95);
allocation changes are grouped per (tenant, cluster, meter) for the step-function state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from services.metering.domain.allocations import Point, inner_integral
from services.metering.domain.meters import ALLOCATION_UNITS, LOGS, SAMPLE_UNITS
from services.metering.domain.periods import DAY, period_of_day

# Producers' clocks drift; anything later than this past "now" is a mistake, not usage.
FUTURE_SKEW_SECONDS = 300
MAX_ID_LENGTH = 200
ZERO, MINUS_ONE = Decimal(0), Decimal(-1)
# (id, tenant, cluster, meter, unit, quantity, time in epoch seconds or None)
EventFields = tuple[str, str, str, str, str, str, int | None]


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


class Accepted(NamedTuple):
    position: int  # in the batch as received
    id: str
    tenant: str
    cluster: str
    meter: str
    at: int
    quantity: Decimal
    period: str


def check(
    event_id: str,
    tenant: str,
    cluster: str,
    meter: str,
    unit: str,
    quantity_text: str,
    at: int | None,
    terms: TenantTerms | None,
    now: int,
) -> Decimal | Rejection:
    """The event's quantity when it is acceptable, else why not. Runs for every event."""
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
    if at is None:
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
    events: list[EventFields], terms: dict[str, TenantTerms], now: int
) -> tuple[list[Rejection | None], list[Accepted]]:
    """Per event its rejection (None when acceptable), and the acceptable ones in order.

    The hot path of ingest: an event that passes the common checks inline is accepted
    without calling `check`; anything else goes through `check` for its reason.
    """
    rejections: list[Rejection | None] = [None] * len(events)
    accepted: list[Accepted] = []
    append = accepted.append
    terms_of, units, quantities, period_of = terms.get, UNITS.get, _QUANTITIES.get, period_of_day
    latest = now + FUTURE_SKEW_SECONDS
    for i, event in enumerate(events):
        event_id, tenant, cluster, meter, unit, text, at = event
        term = terms_of(tenant)
        quantity = quantities(text)
        if (
            term is not None
            and quantity.__class__ is Decimal
            and at is not None
            and term.first_start <= at <= latest
            and at >= term.closed_until
            and (units(meter) == unit or (not unit and meter in UNITS))
            and 0 < len(event_id) <= MAX_ID_LENGTH
            and event_id.isprintable()
            and cluster.isprintable()
        ):
            append((i, event_id, tenant, cluster, meter, at, quantity, period_of(at // DAY)))  # type: ignore[arg-type]
            continue
        result = check(event_id, tenant, cluster, meter, unit, text, at, term, now)
        if result.__class__ is Rejection:
            rejections[i] = result  # type: ignore[assignment]
        else:
            assert at is not None
            append(Accepted(i, event_id, tenant, cluster, meter, at, result, period_of(at // DAY)))  # type: ignore[arg-type]
    return rejections, accepted


def fold(
    accepted: list[Accepted], applied: dict[str, set[str]]
) -> tuple[BatchTotals, dict[str, list[str]], list[int]]:
    """(what the new events add, their ids per period, positions of duplicates).

    An id is a duplicate when `applied` (per period) or an earlier event of the batch has it.
    """
    totals = BatchTotals()
    changes, logs, histogram, peaks = totals.changes, totals.logs, totals.histogram, totals.peaks
    sampled = totals.sampled
    fresh: dict[str, list[str]] = {}
    duplicates: list[int] = []
    in_batch: set[str] = set()
    for position, event_id, tenant, cluster, meter, at, quantity, period in accepted:
        if event_id in in_batch or event_id in applied[period]:
            duplicates.append(position)
            continue
        in_batch.add(event_id)
        ids = fresh.get(period)
        if ids is None:
            ids = fresh[period] = []
        ids.append(event_id)
        if meter in ALLOCATION_UNITS:
            group = changes.get((tenant, cluster, meter))
            if group is None:
                group = changes[tenant, cluster, meter] = []
            group.append((at, event_id, quantity))  # a plain tuple: Change() costs 0.4 us
            continue
        sampled.add((tenant, period))
        key = (tenant, at - at % DAY, cluster)
        if meter == LOGS:
            logs[key] = logs.get(key, ZERO) + quantity
        else:  # METRICS
            bucket = (tenant, period, cluster, quantity)
            histogram[bucket] = histogram.get(bucket, 0) + 1
            if quantity > peaks.get(key, MINUS_ONE):
                peaks[key] = quantity
    return totals, fresh, duplicates


Key = tuple[str, str, str]  # tenant, cluster, meter


@dataclass
class Folded:
    """A batch's new events, folded: what they add, their ids, each key's own integral."""

    totals: BatchTotals
    fresh: dict[str, list[str]]  # period -> ids
    duplicates: list[int]  # positions
    changes: dict[Key, list[Point]]  # sorted per key
    inner: dict[Key, dict[int, Decimal]]  # per key: inner_integral of its changes


def fold_batch(
    accepted: list[Accepted], applied: dict[str, set[str]], terms: dict[str, TenantTerms]
) -> Folded:
    totals, fresh, duplicates = fold(accepted, applied)
    changes = totals.sorted_changes()
    inner = {key: inner_integral(new, terms[key[0]].cuts) for key, new in changes.items()}
    return Folded(totals, fresh, duplicates, changes, inner)
