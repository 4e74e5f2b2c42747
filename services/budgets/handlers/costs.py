"""costs.updated: replace the account's window in the read model, then re-judge anomalies
and budgets. Runs inside the inbox transaction, so a redelivery changes nothing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from costgrid.ingest.v1 import events_pb2 as ingest_events
from sqlalchemy.ext.asyncio import AsyncSession

from services.budgets.domain.periods import parse_day
from services.budgets.handlers.alerts import evaluate
from services.budgets.handlers.detect import detect
from services.budgets.repository import budgets, costs
from services.budgets.repository.costs import CostRow
from services.common.errors import DomainError
from services.common.inbox import Event
from services.common.logging import get_logger
from services.common.money import parse_currency, parse_decimal

log = get_logger(__name__)


def rows_of(message: ingest_events.CostsUpdated) -> tuple[tuple[date, date], list[CostRow]]:
    """The window and its totals, summed per (day, service, region, currency).

    ValueError or InvalidArgument for a malformed event."""
    window = (parse_day(message.window_start), parse_day(message.window_end))
    if window[0] > window[1]:
        raise ValueError(f"window {window[0]}..{window[1]} ends before it starts")
    sums: dict[tuple[date, str, str, str], Decimal] = defaultdict(Decimal)
    for item in message.daily_costs:
        day = parse_day(item.date)
        if not window[0] <= day <= window[1]:
            raise ValueError(f"day {day} is outside the window {window[0]}..{window[1]}")
        currency = parse_currency(item.amount.currency_code)
        sums[(day, item.service, item.region, currency)] += parse_decimal(
            item.amount.amount, "amount"
        )
    return window, [CostRow(*key, amount) for key, amount in sums.items()]


async def on_costs_updated(session: AsyncSession, event: Event, today: date) -> None:
    message = event.parse(ingest_events.CostsUpdated)
    org_id = message.org_id or event.org_id
    try:
        window, rows = rows_of(message)
    except (
        ValueError,
        DomainError,
    ) as exc:  # a bad event is logged and skipped, never retried forever
        log.error("costs_updated.malformed", event_id=event.id, error=str(exc))
        return
    account, provider = message.account_id, int(message.provider)
    if await costs.is_deleted(session, org_id, account):
        log.info("costs_updated.account_deleted", event_id=event.id, account_id=account)
        return
    await costs.upsert_account(session, org_id, account, message.account_name, provider)
    await costs.replace_days(session, org_id, account, window, rows)
    await detect(session, org_id, account, window)
    for budget in await budgets.covering(session, org_id, account, provider):
        await evaluate(session, org_id, budget, today, window)
