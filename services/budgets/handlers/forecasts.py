"""Forecasts of daily spend per billing currency for an org, optionally filtered."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from services.budgets.deps import Deps
from services.budgets.domain.forecast import MAX_HISTORY_DAYS, Forecast, forecast
from services.budgets.domain.periods import days
from services.budgets.repository import costs
from services.common.caller import current_caller
from services.common.cost_days import last_day_counted


@dataclass(frozen=True)
class ForecastQuery:
    days: int
    account_ids: list[int]
    provider: int
    confidence: Decimal
    # The latest day history may reach; None means today.
    as_of: date | None


@dataclass(frozen=True)
class ForecastAnswer:
    first_day: date
    last_day: date
    by_currency: list[tuple[str, Forecast]]


async def get(deps: Deps, query: ForecastQuery) -> ForecastAnswer:
    """History runs to the last day counted, and the forecast from the day after it."""
    org = current_caller().org_id
    as_of = query.as_of or deps.today()
    span = (as_of - timedelta(days=MAX_HISTORY_DAYS - 1), as_of)
    async with deps.db.transaction() as session:
        last = await costs.last_day(session, org, span, query.account_ids, query.provider)
        last = last_day_counted(as_of, last)
        span = (last - timedelta(days=MAX_HISTORY_DAYS - 1), last)
        totals = await costs.daily_totals(session, org, span, query.account_ids, query.provider)
    histories = {
        currency: (min(daily), [float(daily.get(d, Decimal(0))) for d in days(min(daily), last)])
        for currency, daily in sorted(totals.items())
    }
    # The model fit is CPU work; off the event loop so other calls keep flowing.
    results = await asyncio.to_thread(
        lambda: [
            (currency, forecast(history, query.days, float(query.confidence) / 100, first))
            for currency, (first, history) in histories.items()
        ]
    )
    return ForecastAnswer(last + timedelta(days=1), last + timedelta(days=query.days), results)
