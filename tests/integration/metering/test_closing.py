"""Closing: a period frozen into a statement once, its event published once, nothing after."""

from decimal import Decimal

import grpc
import pytest
from costgrid.metering.v1 import events_pb2
from costgrid.metering.v1 import service_pb2 as pb

from services.common.caller import Caller
from services.common.errors_client import error_info
from services.common.messaging import PERIOD_CLOSED
from services.common.server import start
from services.metering.bootstrap import definition
from services.metering.domain.periods import period_bounds
from services.metering.handlers import billing
from tests.integration.metering.conftest import (
    Stub,
    alloc,
    eventually,
    make_plan,
    make_tenant,
    months_ago,
    published,
    record,
)
from tests.support.grpc_client import channel_as

HOUR = 3600


async def _seed_month(stub: Stub, period: str, **plan) -> str:
    """A tenant from `period` on, with the seed example's hour of usage in it."""
    start = period_bounds(period)[0]
    tenant = await make_tenant(stub, await make_plan(stub, **plan), start)
    at = start + 5 * HOUR
    await record(
        stub,
        *[alloc(tenant, m, q, at) for m, q in (("cpu", "4"), ("memory", "16"), ("storage", "100"))],
        *[alloc(tenant, m, "0", at + HOUR) for m in ("cpu", "memory", "storage")],
    )
    return tenant


async def _close(stub: Stub, tenant: str, period: str) -> pb.ClosePeriodResponse:
    return await stub.ClosePeriod(pb.ClosePeriodRequest(tenant_id=tenant, period=period))


async def test_closing_freezes_a_statement_and_publishes_period_closed_once(admin, org, settings):
    period = months_ago(2)
    tenant = await _seed_month(admin, period)

    first = await _close(admin, tenant, period)
    second = await _close(admin, tenant, period)

    statement = first.statement
    assert not first.already_closed and second.already_closed
    assert second.statement == statement
    assert Decimal(statement.total.amount) == Decimal("0.2276")
    categories = [line.category for line in statement.lines]
    assert categories == [
        pb.STATEMENT_CATEGORY_CPU,
        pb.STATEMENT_CATEGORY_MEMORY,
        pb.STATEMENT_CATEGORY_STORAGE,
    ]
    cpu = statement.lines[0]
    assert (cpu.quantity, cpu.unit, cpu.rate, cpu.amount.amount) == (
        "4",
        "vCPU-hour",
        "0.03",
        "0.12",
    )
    events = await published(
        settings, PERIOD_CLOSED, events_pb2.PeriodClosed, lambda e: e.statement.tenant_id == tenant
    )
    assert len(events) == 1
    assert events[0].org_id == org and events[0].statement == statement


async def test_a_closed_period_rejects_new_usage_and_never_changes(admin):
    period = months_ago(2)
    tenant = await _seed_month(admin, period)
    closed = (await _close(admin, tenant, period)).statement
    late = await record(admin, alloc(tenant, "cpu", "64", period_bounds(period)[0] + 10 * HOUR))
    assert late[0].reject_reason == "PERIOD_CLOSED"
    again = await admin.GetStatement(pb.GetStatementRequest(statement_id=closed.id))
    assert again.statement == closed


async def test_a_period_cannot_close_before_it_ends_or_out_of_order(admin):
    tenant = await _seed_month(admin, months_ago(2))
    for period, reason in (
        (months_ago(0), "PERIOD_NOT_ENDED"),
        (months_ago(1), "EARLIER_PERIOD_OPEN"),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await _close(admin, tenant, period)
        assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert error_info(err.value).reason == reason


async def test_credits_reduce_the_statement_to_zero_at_most_and_keep_the_rest(admin):
    period = months_ago(2)
    tenant = await _seed_month(admin, period)
    credit = (
        await admin.AddCredit(
            pb.AddCreditRequest(
                request_id=f"goodwill-{tenant}",
                tenant_id=tenant,
                amount={"amount": "1.00", "currency_code": "GBP"},
                reason="goodwill",
            )
        )
    ).credit
    statement = (await _close(admin, tenant, period)).statement
    assert Decimal(statement.total.amount) == 0
    assert statement.lines[-1].category == pb.STATEMENT_CATEGORY_CREDITS
    assert Decimal(statement.lines[-1].amount.amount) == Decimal("-0.2276")
    credits = (await admin.ListCredits(pb.ListCreditsRequest(tenant_id=tenant))).credits
    assert [(c.id, Decimal(c.remaining.amount)) for c in credits] == [
        (credit.id, Decimal("0.7724"))
    ]


async def test_a_credit_that_expired_before_a_period_is_not_applied_to_it(admin, org, metering):
    tenant = await _seed_month(admin, months_ago(0))
    expire = pb.AddCreditRequest(tenant_id=tenant, amount={"amount": "5", "currency_code": "GBP"})
    expire.expire_time.seconds = period_bounds(months_ago(0))[1] + 3 * 86_400
    await admin.AddCredit(expire)
    db = metering.runtime.db
    this_month = await billing.estimate(db, org, tenant)
    month_after_next = await billing.estimate(
        db, org, tenant, now=expire.expire_time.seconds + 40 * 86_400
    )
    assert this_month.charges.credits_applied == Decimal("0.2276")
    assert month_after_next.charges.credits_applied == 0


async def test_ended_periods_close_by_themselves_after_the_grace_window(settings, org):
    running = await start(definition(close_grace_seconds=0, close_interval_seconds=0.2), settings)
    try:
        stub = Stub(channel_as(running.address, settings, Caller(org, "admin", "test")))
        tenant = await _seed_month(stub, months_ago(2))

        async def closed():
            found = await stub.ListStatements(pb.ListStatementsRequest(tenant_id=tenant))
            return [s.period for s in found.statements] if len(found.statements) == 2 else None

        assert await eventually(closed) == [months_ago(1), months_ago(2)]
    finally:
        await running.stop(grace=1)
