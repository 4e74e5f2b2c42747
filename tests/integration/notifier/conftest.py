"""The notifier started on the kit against the run's PostgreSQL and NATS, with short timeouts
and back-offs, loopback receivers allowed, and local Slack, Twilio, webhook and SMTP servers."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import grpc
import pytest
from costgrid.notifier.v1 import service_pb2 as pb
from costgrid.notifier.v1 import service_pb2_grpc as grpc_notifier

from services.common.caller import Caller
from services.common.messaging import Messaging, Namespace, connect
from services.common.server import RunningService, start
from services.notifier.bootstrap import definition
from services.notifier.settings import NotifierSettings
from tests.fakes.notifier_http import SlackReceiver, TwilioReceiver, WebhookReceiver
from tests.fakes.notifier_smtp import self_signed
from tests.support.grpc_client import channel_as


def notifier_config(cert: Path, **overrides: object) -> dict[str, object]:
    """NotifierSettings fields for the tests, on top of the run's settings."""
    return {
        "notifier_allowed_cidrs": ["127.0.0.0/8"],
        "notifier_allow_plain_http": True,
        "notifier_ca_file": str(cert),
        "notifier_attempt_timeout_seconds": 1.0,
        "notifier_max_attempts": 3,
        "notifier_backoff_base_seconds": 0.05,
        "notifier_backoff_max_seconds": 0.2,
        "notifier_poll_seconds": 0.02,
        "notifier_lease_margin_seconds": 0.5,
        **overrides,
    }


@pytest.fixture(scope="session")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("notifier-tls"))


class Notifier:
    """The service under test; `restart()` brings it back on the same address."""

    def __init__(self, settings, config: dict[str, object]) -> None:
        self._settings, self._config = settings, config
        self.running: RunningService | None = None
        self.address = ""

    async def start(self) -> None:
        addr = self.address or "127.0.0.1:0"
        settings = NotifierSettings(
            **{**self._settings.model_dump(), "notifier_addr": addr, **self._config}
        )
        self.running = await start(definition(), settings)
        self.address = self.running.address

    async def stop(self) -> None:
        if self.running is not None:
            await self.running.stop(grace=1)
            self.running = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


@pytest.fixture(scope="session")
async def notifier(settings, cert) -> AsyncIterator[Notifier]:
    service = Notifier(settings, notifier_config(cert[0]))
    await service.start()
    yield service
    await service.stop()


@pytest.fixture(scope="session")
async def bus(settings) -> AsyncIterator[Messaging]:
    messaging = await connect(settings.nats_url, "notifier-tests", Namespace(settings.namespace))
    yield messaging
    await messaging.close()


class Org:
    """A fresh organization per test, so rules and deliveries never cross between tests."""

    def __init__(self, address: str, settings, role: str = "admin") -> None:
        self.id = f"org-{uuid.uuid4().hex[:8]}"
        self._address, self._settings = address, settings
        self._channels: dict[str, grpc.aio.Channel] = {}
        self.stub = self.as_role(role)

    def as_role(self, role: str) -> grpc_notifier.NotificationServiceStub:
        # Kept: a gRPC channel no longer referenced is closed under its stub.
        if role not in self._channels:
            caller = Caller(self.id, role, f"user:{role}")
            self._channels[role] = channel_as(self._address, self._settings, caller)
        return grpc_notifier.NotificationServiceStub(self._channels[role])


@pytest.fixture
def org(notifier, settings) -> Org:
    return Org(notifier.address, settings)


@pytest.fixture
def make_org(notifier, settings) -> Callable[[], Org]:
    return lambda: Org(notifier.address, settings)


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(secret="whsec-test-secret").start()
    yield receiver
    receiver.stop()


@pytest.fixture
def slack() -> Iterator[SlackReceiver]:
    receiver = SlackReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def twilio() -> Iterator[TwilioReceiver]:
    receiver = TwilioReceiver("AC0123456789abcdef", "twilio-token").start()
    yield receiver
    receiver.stop()


async def webhook_channel(
    org: Org, receiver: WebhookReceiver, name: str = "hooks", path: str = "/hook"
) -> pb.Channel:
    response = await org.stub.CreateChannel(
        pb.CreateChannelRequest(
            channel=pb.Channel(
                name=name,
                type=pb.CHANNEL_TYPE_WEBHOOK,
                config=pb.ChannelConfig(
                    webhook=pb.WebhookConfig(url=receiver.url + path, headers={"X-Team": "finops"})
                ),
            ),
            secrets=pb.ChannelSecrets(
                webhook=pb.WebhookSecrets(
                    signing_secret=receiver.secret, headers={"Authorization": "Bearer hook-token"}
                )
            ),
        )
    )
    return response.channel


async def rule_for(
    org: Org,
    channel_ids: list[int],
    trigger: int = pb.TRIGGER_TYPE_BUDGET_THRESHOLD,
    rule_filter: pb.RuleFilter | None = None,
    cooldown: int = 0,
) -> pb.Rule:
    response = await org.stub.CreateRule(
        pb.CreateRuleRequest(
            rule=pb.Rule(
                name="alerts",
                trigger_type=trigger,
                filter=rule_filter,
                channel_ids=channel_ids,
                enabled=True,
                cooldown_seconds=cooldown,
            )
        )
    )
    return response.rule


async def eventually(
    probe: Callable[[], Awaitable[object]], within: float = 10.0, interval: float = 0.05
) -> object:
    """Polls until `probe` returns something truthy; fails with the last value otherwise."""
    deadline = time.monotonic() + within
    value: object = None
    while time.monotonic() < deadline:
        value = await probe()
        if value:
            return value
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {within}s; last value: {value!r}")


async def deliveries(org: Org, **filters: object) -> list[pb.Delivery]:
    response = await org.stub.ListDeliveries(pb.ListDeliveriesRequest(**filters))  # type: ignore[arg-type]
    return list(response.deliveries)


async def settled(
    org: Org, count: int, within: float = 10.0, **filters: object
) -> list[pb.Delivery]:
    """Waits until `count` deliveries exist and none is still pending."""

    async def probe() -> list[pb.Delivery] | None:
        found = await deliveries(org, **filters)
        done = len(found) >= count and all(d.status != pb.DELIVERY_STATUS_PENDING for d in found)
        return found if done else None

    return await eventually(probe, within)  # type: ignore[return-value]
