"""A metering service per test module (real PostgreSQL and NATS), and helpers to drive it."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from costgrid.metering.v1 import service_pb2 as pb
from costgrid.metering.v1 import service_pb2_grpc as grpc_metering

from services.common.caller import Caller
from services.common.messaging import EVENTS_STREAM, Namespace, connect
from services.common.server import RunningService, start
from services.metering.bootstrap import definition
from services.metering.domain.periods import period_bounds, period_of
from tests.support.grpc_client import channel_as

Stub = grpc_metering.MeteringServiceStub


@pytest.fixture(scope="module")
async def metering(settings) -> AsyncIterator[RunningService]:
    # The closing loop runs once at start (nothing to close yet), then not again in the module.
    running = await start(definition(close_grace_seconds=0, close_interval_seconds=3600), settings)
    yield running
    await running.stop(grace=1)


@pytest.fixture
def org() -> str:
    return f"org-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def client(metering, settings, org) -> Callable[..., Stub]:
    channels = []

    def make(role: str = "admin", org_id: str | None = None) -> Stub:
        channel = channel_as(metering.address, settings, Caller(org_id or org, role, "test"))
        channels.append(channel)
        return Stub(channel)

    return make


@pytest.fixture
def admin(client) -> Stub:
    return client("admin")


async def make_plan(
    stub: Stub, metrics: int = 0, logs: int = 0, base_fee: str | None = None, book: str = "default"
) -> int:
    plan = pb.Plan(
        name=f"plan-{uuid.uuid4().hex[:6]}",
        price_book_name=book,
        metrics_series_allowance=metrics,
        logs_bytes_allowance=logs,
    )
    if base_fee is not None:
        plan.base_fee.amount, plan.base_fee.currency_code = base_fee, "GBP"
    return (await stub.CreatePlan(pb.CreatePlanRequest(plan=plan))).plan.id


async def make_tenant(
    stub: Stub,
    plan_id: int,
    start: int,
    policy: int = pb.OVERAGE_POLICY_ALLOWED,
    tenant_id: str = "",
) -> str:
    tenant_id = tenant_id or f"t-{uuid.uuid4().hex[:8]}"
    request = pb.CreateTenantRequest(
        tenant=pb.Tenant(id=tenant_id, name=tenant_id.upper(), overage_policy=policy),
        plan_id=plan_id,
    )
    request.start_time.seconds = start
    await stub.CreateTenant(request)
    return tenant_id


def alloc(
    tenant: str, meter: str, quantity: str, at: int, cluster: str = "c1", event_id: str = ""
) -> pb.UsageEvent:
    event = pb.UsageEvent(
        id=event_id or uuid.uuid4().hex,
        tenant_id=tenant,
        cluster_id=cluster,
        meter=meter,
        quantity=quantity,
    )
    event.effective_time.seconds = at
    return event


def sample(
    tenant: str, meter: str, quantity: str, at: int, cluster: str = "c1", event_id: str = ""
) -> pb.UsageEvent:
    event = pb.UsageEvent(
        id=event_id or uuid.uuid4().hex,
        tenant_id=tenant,
        cluster_id=cluster,
        meter=meter,
        quantity=quantity,
    )
    event.sample_time.seconds = at
    return event


async def record(stub: Stub, *events: pb.UsageEvent) -> list[pb.UsageEventResult]:
    return list((await stub.RecordUsage(pb.RecordUsageRequest(events=events))).results)


def now() -> int:
    return int(time.time())


def current_period() -> tuple[int, int]:
    return period_bounds(period_of(now()))


def months_ago(n: int) -> str:
    """The period n months before the current one, e.g. months_ago(1) is last month."""
    start = current_period()[0]
    for _ in range(n):
        start = period_bounds(period_of(start - 1))[0]
    return period_of(start)


async def published(
    settings, subject: str, message_type, match, at_least: int = 1, wait: float = 5.0
):
    """Events on the EVENTS stream (this run's namespace) that `match`, once `at_least` arrived."""
    messaging = await connect(settings.nats_url, "metering-tests", Namespace(settings.namespace))
    try:
        psub = await messaging.js.pull_subscribe(
            messaging.namespace.subject(subject),
            stream=messaging.namespace.stream(EVENTS_STREAM.name),
        )
        found: list = []
        deadline = time.monotonic() + wait
        settled = False
        while True:
            try:
                batch = await psub.fetch(200, timeout=0.3)
            except TimeoutError:
                batch = []
            for msg in batch:
                event = message_type()
                event.ParseFromString(msg.data)
                if match(event):
                    found.append(event)
            if not batch and (len(found) >= at_least or time.monotonic() > deadline):
                if settled:
                    return found
                settled = True  # one more quiet round: a duplicate would show up here
                await asyncio.sleep(0.3)
    finally:
        await messaging.close()


async def eventually(check, wait: float = 10.0):
    """Polls `check()` (async) until it returns a truthy value."""
    deadline = time.monotonic() + wait
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.1)
