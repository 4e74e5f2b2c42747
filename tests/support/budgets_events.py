"""Synthetic `costs.updated` events for the budgets tests, published the way ingest's outbox
does: straight to JetStream with the event id as Nats-Msg-Id."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from costgrid.common.v1 import money_pb2
from costgrid.ingest.v1 import events_pb2

from services.common.messaging import COSTS_UPDATED, Messaging
from services.common.outbox import EVENT_ORG, EVENT_TYPE, MSG_ID

# (day, service, region, amount) in USD unless a currency is given as a fifth item.
Cost = tuple[date, str, str, str] | tuple[date, str, str, str, str]


def costs_updated(
    org_id: str,
    account_id: int,
    window: tuple[date, date],
    costs: list[Cost],
    account_name: str = "",
    provider: int = 1,
) -> events_pb2.CostsUpdated:
    return events_pb2.CostsUpdated(
        event_id=str(uuid.uuid4()),
        org_id=org_id,
        account_id=account_id,
        account_name=account_name or f"account {account_id}",
        provider=provider,  # type: ignore[arg-type]
        window_start=window[0].isoformat(),
        window_end=window[1].isoformat(),
        daily_costs=[
            events_pb2.DailyCost(
                date=c[0].isoformat(),
                service=c[1],
                region=c[2],
                amount=money_pb2.Money(
                    currency_code=c[4] if len(c) > 4 else "USD",  # type: ignore[misc]
                    amount=c[3],
                ),
            )
            for c in costs
        ],
    )


async def publish(messaging: Messaging, event: events_pb2.CostsUpdated) -> None:
    await messaging.js.publish(
        messaging.namespace.subject(COSTS_UPDATED),
        event.SerializeToString(),
        headers={
            MSG_ID: event.event_id,
            EVENT_ORG: event.org_id,
            EVENT_TYPE: event.DESCRIPTOR.full_name,
        },
    )


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]


def money(value: Decimal | int | str) -> str:
    return str(Decimal(value))
