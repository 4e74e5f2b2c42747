"""Usage events: which are acceptable, and what a batch of accepted ones adds up to.

Each bad event gets its own reason, so a batch keeps its good events. Samples fold into
per-day log bytes, per-day peaks and per-period histograms of active series (for P95);
allocation changes are grouped per (tenant, cluster, meter) for the step-function state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from services.metering.domain.allocations import Change
from services.metering.domain.meters import ALLOCATION_UNITS, LOGS, METRICS, SAMPLE_UNITS
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
    text: str  # the quantity as sent, stored as is


def check(
    event_id: str,
    tenant: str,
    meter: str,
    unit: str,
    quantity_text: str,
    at: int | None,
    terms: TenantTerms | None,
    now: int,
) -> Decimal | Rejection:
    """The event's quantity when it is acceptable, else why not."""
    if not event_id or len(event_id) > MAX_ID_LENGTH:
        return Rejection("INVALID_ID", f"an event id is required, at most {MAX_ID_LENGTH} chars")
    expected = ALLOCATION_UNITS.get(meter) or SAMPLE_UNITS.get(meter)
    if expected is None:
        return Rejection("UNKNOWN_METER", f"meter '{meter}' is not one metering knows")
    if unit and unit != expected:
        return Rejection("WRONG_UNIT", f"meter '{meter}' is measured in '{expected}', not '{unit}'")
    if terms is None:
        return Rejection("UNKNOWN_TENANT", f"tenant '{tenant}' does not exist")
    try:
        quantity = Decimal(quantity_text)
    except InvalidOperation:
        return Rejection("INVALID_QUANTITY", f"quantity '{quantity_text}' is not a decimal number")
    if not quantity.is_finite():
        return Rejection("INVALID_QUANTITY", "quantity must be a finite number")
    if quantity < 0:
        return Rejection("NEGATIVE_QUANTITY", f"quantity {quantity_text} is negative")
    if at is None:
        which = "effective_time" if meter in ALLOCATION_UNITS else "sample_time"
        return Rejection("MISSING_TIME", f"{which} is required for meter '{meter}'")
    if at > now + FUTURE_SKEW_SECONDS:
        return Rejection("TOO_FAR_IN_FUTURE", "the event's time is in the future")
    if at < terms.first_start:
        return Rejection("BEFORE_SUBSCRIPTION", f"tenant '{tenant}' had no plan at that time")
    if terms.is_closed(at):
        return Rejection("PERIOD_CLOSED", "the event's billing period is closed")
    return quantity


@dataclass
class BatchTotals:
    """What a batch of new (not duplicate) accepted events adds, keyed for the aggregates."""

    changes: dict[tuple[str, str, str], list[Change]] = field(default_factory=dict)
    logs: dict[tuple[str, int, str], Decimal] = field(default_factory=dict)
    histogram: dict[tuple[str, str, str, Decimal], int] = field(default_factory=dict)
    peaks: dict[tuple[str, int, str], Decimal] = field(default_factory=dict)
    sampled: set[tuple[str, str]] = field(default_factory=set)  # (tenant, period)

    def add(self, event: Accepted) -> None:
        _, event_id, tenant, cluster, meter, at, quantity, _ = event
        if meter in ALLOCATION_UNITS:
            group = self.changes.get((tenant, cluster, meter))
            if group is None:
                group = self.changes[tenant, cluster, meter] = []
            group.append(Change(at, event_id, quantity))
            return
        day = at // DAY
        period = period_of_day(day)
        self.sampled.add((tenant, period))
        if meter == LOGS:
            key = (tenant, day * DAY, cluster)
            self.logs[key] = self.logs.get(key, ZERO) + quantity
        elif meter == METRICS:
            bucket = (tenant, period, cluster, quantity)
            self.histogram[bucket] = self.histogram.get(bucket, 0) + 1
            key = (tenant, day * DAY, cluster)
            if quantity > self.peaks.get(key, MINUS_ONE):
                self.peaks[key] = quantity

    def sorted_changes(self) -> dict[tuple[str, str, str], list[Change]]:
        return {k: sorted(v) for k, v in self.changes.items()}
