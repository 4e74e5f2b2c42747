"""Event subscriptions of the budgets service."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.budgets.deps import Deps
from services.budgets.handlers.accounts import on_account_deleted
from services.budgets.handlers.costs import on_costs_updated
from services.common.inbox import Event, Subscription
from services.common.messaging import ACCOUNT_DELETED, COSTS_UPDATED

DURABLE = "budgets-costs-updated"
DELETED_DURABLE = "budgets-account-deleted"


def subscriptions(deps: Deps) -> list[Subscription]:
    async def handle(session: AsyncSession, event: Event) -> None:
        await on_costs_updated(session, event, deps.today())

    async def handle_deleted(session: AsyncSession, event: Event) -> None:
        await on_account_deleted(session, event, deps.today())

    return [
        Subscription(DURABLE, COSTS_UPDATED, handle),
        Subscription(DELETED_DURABLE, ACCOUNT_DELETED, handle_deleted),
    ]
