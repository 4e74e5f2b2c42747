"""Rating a tenant's period: compute by rate span, base fee, allowances, overage, credits.

All arithmetic is Decimal. Quantity-seconds are exact (whole seconds times decimal
quantities); the divisions (per hour, proration) run at 60 significant digits and amounts are
kept to 10 decimal places - full precision for statements; only invoices round to pennies.
Allowances and the base fee are prorated over the period by each plan window's share of it;
the overage rate is the time-weighted rate over the subscribed part of the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext

from services.metering.domain.meters import (
    ALLOCATION_UNITS,
    BYTES_PER_GB,
    LOGS,
    METRICS,
    SECONDS_PER_HOUR,
)
from services.metering.domain.pricing import PlanTerms, Span, span_index

ZERO = Decimal(0)
PLACES = Decimal("1e-10")
PRECISION = 60


def amount(value: Decimal) -> Decimal:
    return value.quantize(PLACES)


@dataclass(frozen=True)
class Usage:
    segments: dict[tuple[str, int], Decimal]  # (meter, segment start) -> closed quantity-seconds
    tails: Sequence[tuple[str, int, Decimal]]  # (meter, since, quantity) still holding
    metrics_p95: Decimal = ZERO
    logs_bytes: Decimal = ZERO


@dataclass(frozen=True)
class CreditBalance:
    id: int
    remaining: Decimal
    reason: str = ""


@dataclass(frozen=True)
class ComputeLine:
    meter: str
    span: Span
    quantity_seconds: Decimal
    rate: Decimal
    amount: Decimal

    @property
    def hours(self) -> Decimal:
        with localcontext(prec=PRECISION):
            return amount(self.quantity_seconds / SECONDS_PER_HOUR)


@dataclass(frozen=True)
class AllowanceUse:
    meter: str
    allowance: Decimal
    used: Decimal

    @property
    def reached(self) -> bool:
        return self.used > 0 and self.used >= self.allowance

    @property
    def percent(self) -> Decimal:
        """Used as a percent of the allowance; a zero allowance with any use counts as 100."""
        if not self.allowance:
            return Decimal(100) if self.used else ZERO
        with localcontext(prec=PRECISION):
            return (self.used * 100 / self.allowance).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Overage:
    units: Decimal  # series, or GB for logs
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Charges:
    currency: str
    overage_allowed: bool
    compute: list[ComputeLine]
    base_fees: list[tuple[Span, Decimal]]
    allowances: dict[str, AllowanceUse]
    metrics_overage: Overage
    logs_overage: Overage
    credits: list[tuple[CreditBalance, Decimal]] = field(default_factory=list)

    @property
    def base_fee(self) -> Decimal:
        return sum((fee for _, fee in self.base_fees), ZERO)

    def compute_by_meter(self) -> dict[str, tuple[Decimal, Decimal]]:
        """meter -> (quantity-seconds, amount), every allocation meter present."""
        totals = {meter: (ZERO, ZERO) for meter in ALLOCATION_UNITS}
        for line in self.compute:
            qs, money = totals[line.meter]
            totals[line.meter] = (qs + line.quantity_seconds, money + line.amount)
        return totals

    @property
    def subtotal(self) -> Decimal:
        compute = sum((line.amount for line in self.compute), ZERO)
        return self.base_fee + compute + self.metrics_overage.amount + self.logs_overage.amount

    @property
    def credits_applied(self) -> Decimal:
        return sum((applied for _, applied in self.credits), ZERO)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.credits_applied


def compute_lines(spans: Sequence[Span], usage: Usage, as_of: int) -> list[ComputeLine]:
    qs: dict[tuple[str, int], Decimal] = {}
    for (meter, seg), value in usage.segments.items():
        i = span_index(spans, seg)
        if i is not None:
            qs[meter, i] = qs.get((meter, i), ZERO) + value
    for meter, since, quantity in usage.tails:
        for i, span in enumerate(spans):
            lo, hi = max(since, span.start), min(as_of, span.end)
            if hi > lo and quantity:
                qs[meter, i] = qs.get((meter, i), ZERO) + quantity * (hi - lo)
    lines = []
    with localcontext(prec=PRECISION):
        for (meter, i), value in sorted(qs.items()):
            rate = spans[i].book.rates[meter]
            lines.append(
                ComputeLine(meter, spans[i], value, rate, amount(value * rate / SECONDS_PER_HOUR))
            )
    return lines


def _overage(spans: Sequence[Span], meter: str, excess: Decimal, allowed: bool) -> Overage:
    covered = sum(s.seconds for s in spans)
    if not covered:
        return Overage(ZERO, ZERO, ZERO)
    with localcontext(prec=PRECISION):
        weighted = sum((s.book.rates[meter] * s.seconds for s in spans), ZERO)
        rate = amount(weighted / covered)
        charge = amount(excess * weighted / covered) if allowed else ZERO
    return Overage(excess, rate, charge)


def allowances(spans: Sequence[Span], period_seconds: int, usage: Usage) -> dict[str, AllowanceUse]:
    return allowance_uses(
        [(s.plan, s.seconds) for s in spans], period_seconds, usage.metrics_p95, usage.logs_bytes
    )


def allowance_uses(
    shares: Sequence[tuple[PlanTerms, int]], period_seconds: int, series: Decimal, logs: Decimal
) -> dict[str, AllowanceUse]:
    """Each plan's allowance weighted by the seconds of the period it covers."""
    with localcontext(prec=PRECISION):
        metrics = sum((p.metrics_allowance * Decimal(n) / period_seconds for p, n in shares), ZERO)
        log_bytes = sum((p.logs_allowance * Decimal(n) / period_seconds for p, n in shares), ZERO)
    return {
        METRICS: AllowanceUse(METRICS, amount(metrics), series),
        LOGS: AllowanceUse(LOGS, amount(log_bytes), logs),
    }


def apply_credits(
    subtotal: Decimal, credits: Sequence[CreditBalance]
) -> list[tuple[CreditBalance, Decimal]]:
    """Oldest-expiring first (the caller's order); never more than the subtotal in all."""
    applied, left = [], max(subtotal, ZERO)
    for credit in credits:
        take = min(credit.remaining, left)
        if take > 0:
            applied.append((credit, take))
            left -= take
    return applied


def rate_period(
    period: tuple[int, int],
    as_of: int,
    spans: Sequence[Span],
    usage: Usage,
    *,
    currency: str,
    overage_allowed: bool,
    credits: Sequence[CreditBalance] = (),
) -> Charges:
    period_seconds = period[1] - period[0]
    with localcontext(prec=PRECISION):
        fees = [
            (s, amount(s.plan.base_fee * s.seconds / period_seconds))
            for s in spans
            if s.plan.base_fee
        ]
    uses = allowances(spans, period_seconds, usage)
    metrics_excess = max(ZERO, uses[METRICS].used - uses[METRICS].allowance)
    with localcontext(prec=PRECISION):
        logs_excess = max(ZERO, uses[LOGS].used - uses[LOGS].allowance) / BYTES_PER_GB
    charges = Charges(
        currency=currency,
        overage_allowed=overage_allowed,
        compute=compute_lines(spans, usage, as_of),
        base_fees=fees,
        allowances=uses,
        metrics_overage=_overage(spans, METRICS, metrics_excess, overage_allowed),
        logs_overage=_overage(spans, LOGS, logs_excess, overage_allowed),
    )
    return replace(charges, credits=apply_credits(charges.subtotal, credits))
