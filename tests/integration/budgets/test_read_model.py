"""The daily spend read model: a revised window replaces the old figures, absent days become
zero, and an event delivered again to the inbox changes nothing."""

from __future__ import annotations

import uuid
from datetime import date

from costgrid.budgets.v1 import service_pb2 as pb
from costgrid.common.v1 import money_pb2
from nats.js.api import ConsumerConfig, DeliverPolicy

from services.budgets.consumers import DURABLE, subscriptions
from services.budgets.deps import Deps
from services.common.inbox import InboxConsumer
from services.common.messaging import COSTS_UPDATED
from tests.support.budgets_events import days

MAY = days(date(2025, 5, 1), 5)


async def spent(tenant, budget_id: int) -> str:
    request = pb.GetBudgetStatusRequest(budget_id=budget_id, as_of_date="2025-05-05")
    return (await tenant.stubs().budgets.GetBudgetStatus(request)).status.spent.amount


async def new_budget(tenant) -> int:
    budget = pb.Budget(
        name="All",
        amount=money_pb2.Money(currency_code="USD", amount="1000"),
        period=pb.BUDGET_PERIOD_MONTHLY,
    )
    created = await tenant.stubs().budgets.CreateBudget(pb.CreateBudgetRequest(budget=budget))
    return created.budget.id


async def test_revised_window_replaces_its_days_and_absent_days_become_zero(tenant):
    budget_id = await new_budget(tenant)
    await tenant.send(
        3,
        (MAY[0], MAY[-1]),
        [(d, "DB", "eu", "10") for d in MAY] + [(d, "DB", "us", "1.5") for d in MAY],
    )
    assert await spent(tenant, budget_id) == "57.5"
    # Days 4-5 re-read: day 4 now 2 (one region only), day 5 has no cost at all.
    await tenant.send(3, (MAY[3], MAY[4]), [(MAY[3], "DB", "eu", "2")])
    assert await spent(tenant, budget_id) == "36.5"
    # Another account's window leaves this account's days alone.
    await tenant.send(4, (MAY[0], MAY[-1]), [(MAY[0], "DB", "eu", "100")])
    assert await spent(tenant, budget_id) == "136.5"


async def test_same_event_delivered_again_after_a_revision_changes_nothing(
    tenant, budgets_service, messaging
):
    budget_id = await new_budget(tenant)
    first = await tenant.send(5, (MAY[0], MAY[-1]), [(d, "DB", "", "10") for d in MAY])
    await tenant.send(5, (MAY[0], MAY[-1]), [(d, "DB", "", "20") for d in MAY])
    assert await spent(tenant, budget_id) == "100"

    # Fetch the first event's message again and hand it to the service's own inbox.
    ns = messaging.namespace
    reader = await messaging.js.pull_subscribe(
        ns.subject(COSTS_UPDATED),
        durable=f"t-{uuid.uuid4().hex[:8]}",
        stream=ns.stream("COSTGRID_EVENTS"),
        config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL),
    )
    deps = Deps(budgets_service.runtime.db, b"unused")
    inbox = InboxConsumer(budgets_service.runtime.db, messaging, subscriptions(deps)[0])
    replayed = []
    try:
        while not replayed:
            for msg in await reader.fetch(100, timeout=2):
                if msg.headers and msg.headers.get("Nats-Msg-Id") == first:
                    replayed.append(await inbox.handle(msg))
    finally:
        await reader.unsubscribe()
    assert subscriptions(deps)[0].durable == DURABLE
    assert replayed == [False]
    assert await spent(tenant, budget_id) == "100"
