"""Invoicing against the real PostgreSQL and NATS, with ingest's gRPC contract served by the
ingest double; a settable clock makes "this month" and due dates deterministic."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from costgrid.invoicing.v1 import service_pb2_grpc as grpc_invoicing

from services.common.caller import Caller
from services.common.messaging import Namespace, connect
from services.common.outbox import EVENT_ORG
from services.common.server import RunningService, start
from services.invoicing.bootstrap import definition
from services.invoicing.settings import InvoicingSettings
from tests.support.grpc_client import channel_as
from tests.support.ingest_double import IngestData, start_ingest_double

TODAY = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


class SettableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def clock() -> SettableClock:
    return SettableClock(TODAY)


@pytest.fixture(autouse=True)
def _reset_clock(clock: SettableClock) -> None:
    clock.now = TODAY


@pytest.fixture(scope="module")
def ingest_data() -> IngestData:
    return IngestData()


@pytest.fixture(scope="module")
async def ingest(settings, ingest_data) -> AsyncIterator[RunningService]:
    running = await start_ingest_double(settings, ingest_data)
    yield running
    await running.stop(grace=1)


@pytest.fixture(scope="module")
def invoicing_overrides() -> dict[str, object]:
    return {"invoicing_overdue_interval_seconds": 3600, "invoicing_historical_months": 12}


@pytest.fixture(scope="module")
async def invoicing(settings, ingest, clock, invoicing_overrides) -> AsyncIterator[RunningService]:
    service_settings = InvoicingSettings(
        **{**settings.model_dump(), "ingest_addr": ingest.address, **invoicing_overrides}
    )
    running = await start(definition(clock), service_settings)
    yield running
    await running.stop(grace=1)


Api = Callable[..., grpc_invoicing.InvoiceServiceStub]


@pytest.fixture(scope="module")
async def api(settings, invoicing) -> AsyncIterator[Api]:
    """api(org, role="admin") -> a stub calling as that org and role (signed like the gateway)."""
    channels = {}

    def stub(org: str, role: str = "admin") -> grpc_invoicing.InvoiceServiceStub:
        if (org, role) not in channels:
            caller = Caller(org, role, f"user:{role}@{org}")
            channels[org, role] = channel_as(invoicing.address, settings, caller)
        return grpc_invoicing.InvoiceServiceStub(channels[org, role])

    yield stub
    for channel in channels.values():
        await channel.close()


@pytest.fixture
def org() -> str:
    return f"org-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
async def messaging(settings):
    conn = await connect(settings.nats_url, "invoicing-tests", Namespace(settings.namespace))
    yield conn
    await conn.close()


async def published(messaging, subject: str, org: str, expect: int, settle: float = 0.6) -> list:
    """Every message on `subject` for `org` since the stream began: waits for `expect` of
    them, then a little longer so a duplicate would show up too."""
    sub = await messaging.js.subscribe(messaging.namespace.subject(subject), ordered_consumer=True)
    found: list = []
    deadline = asyncio.get_running_loop().time() + 10
    try:
        while True:
            loop_time = asyncio.get_running_loop().time()
            settled = len(found) >= expect
            if loop_time > deadline:
                break
            try:
                msg = await sub.next_msg(timeout=settle if settled else 0.5)
            except TimeoutError:
                if settled:
                    break
                continue
            if (msg.headers or {}).get(EVENT_ORG) == org:
                found.append(msg)
    finally:
        await sub.unsubscribe()
    return found
