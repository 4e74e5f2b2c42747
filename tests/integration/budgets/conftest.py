"""The budgets service on the kit, per test module, with a clock the tests can move."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date

import grpc
import pytest
from costgrid.budgets.v1 import service_pb2_grpc as grpc_budgets
from sqlalchemy import text

from services.budgets.bootstrap import definition
from services.common.caller import Caller
from services.common.messaging import Messaging, Namespace, connect
from services.common.server import RunningService, start
from tests.support import budgets_events
from tests.support.grpc_client import channel_as


@dataclass
class Clock:
    day: date = date(2025, 6, 20)

    def __call__(self) -> date:
        return self.day


@dataclass
class Tenant:
    """An org of its own per test, so tests never see each other's data."""

    org_id: str
    service: RunningService
    messaging: Messaging
    settings: object
    # Channels close when collected, so each caller's stubs are kept for the test.
    _stubs: dict[tuple[str, str], Stubs] = field(default_factory=dict)

    def stubs(self, role: str = "member", org_id: str | None = None) -> Stubs:
        key = (org_id or self.org_id, role)
        if key not in self._stubs:
            caller = Caller(key[0], role, f"user:{role}")
            channel = channel_as(self.service.address, self.settings, caller)  # type: ignore[arg-type]
            self._stubs[key] = Stubs(
                channel,
                grpc_budgets.BudgetServiceStub(channel),
                grpc_budgets.ForecastServiceStub(channel),
                grpc_budgets.AnomalyServiceStub(channel),
            )
        return self._stubs[key]

    async def send(self, account_id: int, window, costs, **kwargs) -> str:  # type: ignore[no-untyped-def]
        """Publishes a costs.updated event and waits until the service has applied it."""
        event = budgets_events.costs_updated(self.org_id, account_id, window, costs, **kwargs)
        await budgets_events.publish(self.messaging, event)
        await applied(self.service, event.event_id)
        return event.event_id


@dataclass
class Stubs:
    channel: grpc.aio.Channel
    budgets: grpc_budgets.BudgetServiceStub
    forecasts: grpc_budgets.ForecastServiceStub
    anomalies: grpc_budgets.AnomalyServiceStub


async def applied(service: RunningService, event_id: str, seconds: float = 15) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        async with service.runtime.db.transaction() as session:
            found = await session.execute(
                text("SELECT 1 FROM inbox WHERE event_id = :e"), {"e": event_id}
            )
            if found.first():
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"event {event_id} was not applied within {seconds}s")


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
async def budgets_service(settings, clock) -> AsyncIterator[RunningService]:  # type: ignore[no-untyped-def]
    running = await start(definition(clock), settings)
    yield running
    await running.stop(grace=1)


@pytest.fixture(scope="module")
async def messaging(settings) -> AsyncIterator[Messaging]:  # type: ignore[no-untyped-def]
    conn = await connect(settings.nats_url, "budgets-tests", Namespace(settings.namespace))
    yield conn
    await conn.close()


@pytest.fixture
def tenant(budgets_service, messaging, settings) -> Tenant:  # type: ignore[no-untyped-def]
    return Tenant(f"org-{uuid.uuid4().hex[:8]}", budgets_service, messaging, settings)
