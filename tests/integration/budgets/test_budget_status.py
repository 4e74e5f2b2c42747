"""Budget status figures, hand-checked, from costs.updated events through the read model."""

from __future__ import annotations

from datetime import date

from costgrid.budgets.v1 import service_pb2 as pb
from costgrid.common.v1 import money_pb2

from tests.support.budgets_events import days

JUNE = [d for d in days(date(2025, 6, 1), 10)]


def monthly(amount: str, **scope) -> pb.Budget:  # type: ignore[no-untyped-def]
    return pb.Budget(
        name="Prod",
        amount=money_pb2.Money(currency_code="USD", amount=amount),
        period=pb.BUDGET_PERIOD_MONTHLY,
        scope=pb.BudgetScope(**scope),
    )


async def test_status_shows_spent_burn_rates_projection_and_run_out_day(tenant):
    await tenant.send(
        11,
        (JUNE[0], JUNE[-1]),
        [(d, "Amazon EC2", "us-east-1", "40") for d in JUNE]
        + [(d, "Amazon S3", "us-east-1", "5") for d in JUNE]
        + [(d, "Amazon EC2", "eu-west-1", "7", "EUR") for d in JUNE],
    )
    await tenant.send(12, (JUNE[0], JUNE[-1]), [(d, "Amazon EC2", "", "99") for d in JUNE])
    stubs = tenant.stubs()
    created = await stubs.budgets.CreateBudget(
        pb.CreateBudgetRequest(budget=monthly("1000", account_ids=[11], services=["Amazon EC2"]))
    )
    status = (
        await stubs.budgets.GetBudgetStatus(
            pb.GetBudgetStatusRequest(budget_id=created.budget.id, as_of_date="2025-06-10")
        )
    ).status
    # 10 days x 40 USD of EC2 in account 11; S3, EUR and account 12 are outside the scope.
    assert status.spent.amount == "400"
    assert status.remaining.amount == "600"
    assert status.percent_used == "40.0"
    assert status.burn_rate_7d.amount == "40.00"
    assert status.burn_rate_period.amount == "40.00"
    # Under 14 days of history: run-rate, 40/day for the 20 days left.
    assert status.projected_spend.amount == "1200.00"
    assert status.projected_overage.amount == "200.00"
    assert status.projected_exhaustion_date == "2025-06-25"
    assert (status.period.start_date, status.period.end_date) == ("2025-06-01", "2025-06-30")


async def test_status_counts_days_missing_from_the_week_as_zero_spend(tenant):
    await tenant.send(
        21, (JUNE[0], JUNE[-1]), [(JUNE[0], "Compute", "", "63"), (JUNE[6], "Compute", "", "7")]
    )
    stubs = tenant.stubs()
    created = await stubs.budgets.CreateBudget(pb.CreateBudgetRequest(budget=monthly("700")))
    status = (
        await stubs.budgets.GetBudgetStatus(
            pb.GetBudgetStatusRequest(budget_id=created.budget.id, as_of_date="2025-06-07")
        )
    ).status
    assert status.spent.amount == "70"
    assert status.burn_rate_7d.amount == "10.00"
    assert status.percent_used == "10.0"
    assert status.projected_exhaustion_date == ""


async def test_burn_rates_leave_out_the_days_without_data_yet(tenant):
    week = JUNE[:7]
    await tenant.send(22, (JUNE[0], JUNE[-1]), [(d, "Compute", "", "100") for d in week])
    stubs = tenant.stubs()
    created = await stubs.budgets.CreateBudget(pb.CreateBudgetRequest(budget=monthly("10000")))
    status = (
        await stubs.budgets.GetBudgetStatus(
            pb.GetBudgetStatusRequest(budget_id=created.budget.id, as_of_date="2025-06-09")
        )
    ).status
    assert status.spent.amount == "700"
    assert status.burn_rate_7d.amount == "100.00"  # not 500 / 7
    assert status.burn_rate_period.amount == "100.00"  # not 700 / 9
    assert status.projected_spend.amount == "3000.00"  # 23 more days at 100, from the 8th
