"""Reading charges: the open period's estimate and the usage view of any period.

Both read the running aggregates only (a handful of small queries), so their cost does not
grow with the number of events in the period.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal, localcontext

from services.common.db import Database
from services.metering.domain.meters import ALLOCATION_UNITS, LOGS, METRICS
from services.metering.domain.periods import DAY, period_bounds, period_of, to_datetime
from services.metering.domain.pricing import Window
from services.metering.domain.rating import (
    PRECISION,
    AllowanceUse,
    Charges,
    CreditBalance,
    allowances,
    amount,
    rate_period,
)
from services.metering.handlers.terms import TenantTermsView, load_tenant, usage_of
from services.metering.repository import catalog, pg, readings


@dataclass(frozen=True)
class Estimate:
    tenant_id: str
    period: str
    start: int
    end: int
    as_of: int
    charges: Charges
    windows: list[Window]


@dataclass(frozen=True)
class UsageView:
    tenant_id: str
    period: str
    totals: dict[str, Decimal]  # meter -> hours, P95 series or bytes
    daily: dict[int, dict[str, Decimal]]  # day start -> meter -> quantity
    allowances: dict[str, AllowanceUse]


def windows_in(view: TenantTermsView, start: int, end: int) -> list[Window]:
    return [w for w in view.windows if w.start < end and (w.end is None or w.end > start)]


async def rate(conn, org: str, view: TenantTermsView, period: str, as_of: int) -> Charges:  # type: ignore[no-untyped-def]
    start, end = period_bounds(period)
    usage = await usage_of(conn, org, view.row["tenant_id"], period)
    credits = [
        CreditBalance(row["id"], row["remaining"], row["reason"])
        for row in await catalog.usable_credits(
            conn, org, view.row["tenant_id"], to_datetime(start)
        )
    ]
    return rate_period(
        (start, end),
        min(as_of, end),
        view.spans(period),
        usage,
        currency=view.row["currency"],
        overage_allowed=view.overage_allowed,
        credits=credits,
    )


async def estimate(db: Database, org: str, tenant_id: str, now: int | None = None) -> Estimate:
    now = int(time.time()) if now is None else now
    period = period_of(now)
    start, end = period_bounds(period)
    async with db.transaction() as session:
        conn = await pg(session)
        view = await load_tenant(conn, org, tenant_id)
        charges = await rate(conn, org, view, period, now)
    return Estimate(tenant_id, period, start, end, now, charges, windows_in(view, start, end))


async def usage(
    db: Database, org: str, tenant_id: str, period: str, now: int | None = None
) -> UsageView:
    now = int(time.time()) if now is None else now
    period = period or period_of(now)
    start, end = period_bounds(period)
    as_of = min(now, end)
    async with db.transaction() as session:
        conn = await pg(session)
        view = await load_tenant(conn, org, tenant_id)
        aggregates = await usage_of(conn, org, tenant_id, period)
        daily = await _daily(conn, org, tenant_id, start, end, as_of, aggregates.tails)
    totals = {meter: Decimal(0) for meter in ALLOCATION_UNITS}
    for meters in daily.values():
        for meter in ALLOCATION_UNITS:
            totals[meter] += meters.get(meter, Decimal(0))
    totals[METRICS] = aggregates.metrics_p95
    totals[LOGS] = aggregates.logs_bytes
    uses = allowances(view.spans(period), end - start, aggregates)
    return UsageView(tenant_id, period, totals, daily, uses)


async def _daily(conn, org, tenant_id, start, end, as_of, tails) -> dict[int, dict[str, Decimal]]:  # type: ignore[no-untyped-def]
    """Per day: resource-hours per allocation meter, log bytes, and the day's peak series."""
    seconds: dict[int, dict[str, Decimal]] = {}
    for meter, day, qs in await readings.daily_segments(conn, org, tenant_id, start, end):
        _add(seconds, day, meter, qs)
    for meter, since, quantity in tails:
        t = max(since, start)
        while t < as_of and quantity:
            stop = min(t - t % DAY + DAY, as_of)
            _add(seconds, t - t % DAY, meter, quantity * (stop - t))
            t = stop
    with localcontext(prec=PRECISION):
        daily = {d: {m: amount(v / 3600) for m, v in ms.items()} for d, ms in seconds.items()}
    for day, total in (await readings.log_days(conn, org, tenant_id, start, end)).items():
        _add(daily, day, LOGS, total)
    for day, peak in (await readings.peak_days(conn, org, tenant_id, start, end)).items():
        _add(daily, day, METRICS, peak)
    return dict(sorted(daily.items()))


def _add(into: dict[int, dict[str, Decimal]], day: int, meter: str, value: Decimal) -> None:
    meters = into.setdefault(day, {})
    meters[meter] = meters.get(meter, Decimal(0)) + value
