"""Event subscriptions of the budgets service."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.budgets.handlers import Deps
from services.budgets.handlers.costs import on_costs_updated
from services.common.inbox import Event, Subscription
from services.common.messaging import COSTS_UPDATED

DURABLE = "budgets-costs-updated"


def subscriptions(deps: Deps) -> list[Subscription]:
    async def handle(session: AsyncSession, event: Event) -> None:
        await on_costs_updated(session, event, deps.today())

    return [Subscription(DURABLE, COSTS_UPDATED, handle)]
