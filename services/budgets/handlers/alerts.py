"""Budget status and threshold alerts: each level fires once per budget and period."""

from __future__ import annotations

from datetime import date, timedelta

from costgrid.budgets.v1 import events_pb2
from costgrid.budgets.v1 import service_pb2 as pb
from sqlalchemy.ext.asyncio import AsyncSession

from services.budgets.api import convert
from services.budgets.domain.budget import Budget, exists_in
from services.budgets.domain.forecast import MAX_HISTORY_DAYS
from services.budgets.domain.periods import period_of, previous_period
from services.budgets.domain.status import Status, budget_status, levels_reached, percent_of
from services.budgets.handlers.events import publish
from services.budgets.repository import budgets as repo
from services.budgets.repository import costs
from services.common.cost_days import last_day_counted
from services.common.messaging import BUDGET_THRESHOLD_CROSSED
from services.common.money import money_proto
from services.common.wire import timestamp_proto

ACTUAL, FORECAST = pb.BUDGET_ALERT_BASIS_ACTUAL, pb.BUDGET_ALERT_BASIS_FORECAST


async def status_of(
    session: AsyncSession, org_id: str, budget: Budget, as_of: date
) -> tuple[Status, int]:
    """The standing in the period containing `as_of`, and the highest level fired in it."""
    spec = budget.spec
    period = period_of(spec.period, as_of)
    start = min(period[0], as_of - timedelta(days=MAX_HISTORY_DAYS - 1))
    scope, accounts = spec.scope, list(spec.scope.account_ids)
    totals = await costs.daily_totals(
        session, org_id, (start, as_of), accounts, scope.provider, list(scope.services)
    )
    last = await costs.last_day(session, org_id, (start, as_of), accounts, scope.provider)
    daily = totals.get(spec.currency, {})
    status = budget_status(
        spec.amount, convert.quantum(spec.currency), period, last_day_counted(as_of, last), daily
    )
    return status, await repo.highest_level(session, budget.id, period)


async def evaluate(
    session: AsyncSession, org_id: str, budget: Budget, today: date, touched: tuple[date, date]
) -> None:
    """Fires what spend in the current period (and the previous one, if late data revised
    it) has reached. Periods older than that are history, not news, and so are periods
    that ended before the budget existed."""
    for start, end in {
        period_of(budget.spec.period, today),
        previous_period(budget.spec.period, today),
    }:
        if touched[0] <= end and touched[1] >= start and exists_in(budget, (start, end)):
            current = start <= today <= end
            await _evaluate_period(session, org_id, budget, min(today, end), current)


async def _evaluate_period(
    session: AsyncSession, org_id: str, budget: Budget, as_of: date, current: bool
) -> None:
    spec = budget.spec
    status, _ = await status_of(session, org_id, budget, as_of)
    for level in levels_reached(status.spent, spec.amount, spec.threshold_percent):
        await _fire(session, org_id, budget, status, level, ACTUAL, status.spent)
    if spec.alert_on_forecast and current:
        projected = status.projected_spend
        for level in levels_reached(projected, spec.amount, spec.threshold_percent):
            await _fire(session, org_id, budget, status, level, FORECAST, projected)


async def _fire(
    session: AsyncSession,
    org_id: str,
    budget: Budget,
    status: Status,
    level: int,
    basis: int,
    spent: object,
) -> None:
    spec = budget.spec
    alert = await repo.insert_alert(
        session,
        org_id,
        {
            "budget_id": budget.id,
            "budget_name": spec.name,
            "level": int(level),
            "basis": basis,
            "spent": spent,
            "amount": spec.amount,
            "currency": spec.currency,
            "percent": percent_of(spent, spec.amount),  # type: ignore[arg-type]
            "period_start": status.period_start,
            "period_end": status.period_end,
        },
    )
    if alert is None:  # this level already fired in this period
        return
    await publish(
        session,
        BUDGET_THRESHOLD_CROSSED,
        events_pb2.BudgetThresholdCrossed(
            occurred_at=timestamp_proto(alert.create_time),
            budget_id=budget.id,
            budget_name=spec.name,
            level=pb.BudgetAlertLevel.ValueType(alert.level),
            basis=pb.BudgetAlertBasis.ValueType(alert.basis),
            spent=money_proto(alert.spent, alert.currency),
            amount=money_proto(alert.amount, alert.currency),
            percent=str(alert.percent),
            period=convert.date_range(alert.period_start, alert.period_end),
        ),
        org_id,
    )
