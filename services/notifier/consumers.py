"""Events in: each is read as an alert and its deliveries are planned in the same transaction
as the inbox record (handlers/planning.py).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.inbox import Event, Subscription
from services.notifier.delivery.alerts import ALERTS_BY_SUBJECT
from services.notifier.domain.model import Alert
from services.notifier.handlers.planning import plan_deliveries


def _handler(to_alert: Callable[[Event], Alert]) -> Callable[[AsyncSession, Event], object]:
    async def handle(session: AsyncSession, event: Event) -> None:
        await plan_deliveries(session, to_alert(event))

    return handle


def subscriptions() -> list[Subscription]:
    return [
        Subscription(
            durable=f"notifier-{subject.split('.')[1]}-{subject.split('.')[2]}",
            subject=subject,
            handler=_handler(to_alert),  # type: ignore[arg-type]
        )
        for subject, to_alert in ALERTS_BY_SUBJECT.items()
    ]
