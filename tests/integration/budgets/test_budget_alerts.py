"""Threshold alerts: once per level and period whatever re-syncs, revisions and redeliveries
happen, again in the next period, published as budgets.threshold_crossed."""

from __future__ import annotations

import uuid
from datetime import date

from costgrid.budgets.v1 import events_pb2
from costgrid.budgets.v1 import service_pb2 as pb
from costgrid.common.v1 import money_pb2
from nats.js.api import ConsumerConfig, DeliverPolicy

from services.common.messaging import BUDGET_THRESHOLD_CROSSED
from tests.support.budgets_events import days

MARCH = days(date(2025, 3, 1), 10)
APRIL = days(date(2025, 4, 1), 5)
W, C = pb.BUDGET_ALERT_LEVEL_WARNING, pb.BUDGET_ALERT_LEVEL_CRITICAL


def budget(amount: str, on_forecast: bool = False) -> pb.Budget:
    return pb.Budget(
        name="Team",
        amount=money_pb2.Money(currency_code="USD", amount=amount),
        period=pb.BUDGET_PERIOD_MONTHLY,
        alert_on_forecast=on_forecast,
    )


async def published_alerts(messaging, budget_id: int) -> list[events_pb2.BudgetThresholdCrossed]:
    ns = messaging.namespace
    sub = await messaging.js.pull_subscribe(
        ns.subject(BUDGET_THRESHOLD_CROSSED),
        durable=f"t-{uuid.uuid4().hex[:8]}",
        stream=ns.stream("COSTGRID_EVENTS"),
        config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL),
    )
    found = []
    try:
        while True:
            for msg in await sub.fetch(100, timeout=1):
                event = events_pb2.BudgetThresholdCrossed.FromString(msg.data)
                if event.budget_id == budget_id:
                    found.append(event)
    except TimeoutError:
        pass
    await sub.unsubscribe()
    return found


async def test_each_level_fires_once_per_period_and_again_in_the_next(tenant, clock, messaging):
    clock.day = date(2025, 3, 12)
    stubs = tenant.stubs()
    b = (await stubs.budgets.CreateBudget(pb.CreateBudgetRequest(budget=budget("100")))).budget
    window = (MARCH[0], MARCH[-1])
    await tenant.send(7, window, [(d, "VM", "", "8.5") for d in MARCH])  # 85: WARNING
    await tenant.send(7, window, [(d, "VM", "", "8.5") for d in MARCH])  # re-sync
    await tenant.send(7, window, [(d, "VM", "", "11") for d in MARCH])  # revised: CRITICAL
    await tenant.send(7, window, [(d, "VM", "", "12") for d in MARCH])  # revised again
    await tenant.send(7, (MARCH[0], MARCH[0]), [(MARCH[0], "VM", "", "1")])  # late drop
    await tenant.send(7, window, [(d, "VM", "", "12") for d in MARCH])

    clock.day = date(2025, 4, 6)
    await tenant.send(7, (APRIL[0], APRIL[-1]), [(d, "VM", "", "20") for d in APRIL])  # 100%

    alerts = (
        await stubs.budgets.ListBudgetAlerts(pb.ListBudgetAlertsRequest(budget_id=b.id))
    ).budget_alerts
    assert [(a.level, a.period.start_date) for a in alerts] == [
        (W, "2025-04-01"),
        (C, "2025-03-01"),
        (W, "2025-03-01"),
    ]
    assert [(a.spent.amount, a.percent) for a in alerts] == [
        ("100", "100.0"),
        ("110", "110.0"),
        ("85.0", "85.0"),
    ]
    assert all(a.basis == pb.BUDGET_ALERT_BASIS_ACTUAL for a in alerts)
    events = await published_alerts(messaging, b.id)
    assert sorted((e.level, e.period.start_date) for e in events) == [
        (W, "2025-03-01"),
        (W, "2025-04-01"),
        (C, "2025-03-01"),
    ]
    assert {e.org_id for e in events} == {tenant.org_id}
    status = (await stubs.budgets.GetBudgetStatus(pb.GetBudgetStatusRequest(budget_id=b.id))).status
    assert status.alert_level == W


async def test_budget_created_over_spend_alerts_at_once_and_an_update_does_not_repeat_it(
    tenant, clock
):
    clock.day = date(2025, 3, 12)
    await tenant.send(8, (MARCH[0], MARCH[-1]), [(d, "VM", "", "10") for d in MARCH])
    stubs = tenant.stubs()
    b = (await stubs.budgets.CreateBudget(pb.CreateBudgetRequest(budget=budget("90")))).budget
    assert b.status.alert_level == C
    b.name = "Renamed"
    await stubs.budgets.UpdateBudget(pb.UpdateBudgetRequest(budget=b))
    alerts = (
        await stubs.budgets.ListBudgetAlerts(pb.ListBudgetAlertsRequest(budget_id=b.id))
    ).budget_alerts
    assert [a.level for a in alerts] == [C, W]


async def test_forecast_alert_fires_when_projected_spend_crosses_before_actual_does(tenant, clock):
    clock.day = date(2025, 3, 10)
    stubs = tenant.stubs()
    b = (
        await stubs.budgets.CreateBudget(pb.CreateBudgetRequest(budget=budget("600", True)))
    ).budget
    await tenant.send(9, (MARCH[0], MARCH[-1]), [(d, "VM", "", "30") for d in MARCH])
    alerts = (
        await stubs.budgets.ListBudgetAlerts(pb.ListBudgetAlertsRequest(budget_id=b.id))
    ).budget_alerts
    # 300 spent (50%), 30/day projects 930 by March 31: both levels on the forecast.
    assert sorted((a.level, a.basis, a.spent.amount) for a in alerts) == [
        (W, pb.BUDGET_ALERT_BASIS_FORECAST, "930.00"),
        (C, pb.BUDGET_ALERT_BASIS_FORECAST, "930.00"),
    ]


async def test_a_budget_created_in_april_never_alerts_for_a_resynced_march(tenant, clock):
    clock.day = date(2025, 4, 3)
    stubs = tenant.stubs()
    b = (await stubs.budgets.CreateBudget(pb.CreateBudgetRequest(budget=budget("100")))).budget
    await tenant.send(10, (MARCH[0], MARCH[-1]), [(d, "VM", "", "20") for d in MARCH])  # 200
    await tenant.send(10, (APRIL[0], APRIL[2]), [(d, "VM", "", "30") for d in APRIL[:3]])  # 90
    alerts = (
        await stubs.budgets.ListBudgetAlerts(pb.ListBudgetAlertsRequest(budget_id=b.id))
    ).budget_alerts
    assert [(a.level, a.period.start_date) for a in alerts] == [(W, "2025-04-01")]
