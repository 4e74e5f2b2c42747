"""NATS JetStream: connection with reconnect, and the streams the suite uses, declared in code.

Subjects are `costgrid.<area>.<fact>.v1`; a namespace (tests) prefixes subjects and streams so
concurrent runs on one server never see each other's messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from services.common.logging import get_logger

log = get_logger(__name__)

COSTS_UPDATED = "costgrid.costs.updated.v1"
SYNC_COMPLETED = "costgrid.sync.completed.v1"
SYNC_FAILED = "costgrid.sync.failed.v1"
ACCOUNT_DELETED = "costgrid.accounts.deleted.v1"
BUDGET_THRESHOLD_CROSSED = "costgrid.budgets.threshold_crossed.v1"
ANOMALY_DETECTED = "costgrid.anomalies.detected.v1"
INVOICE_ISSUED = "costgrid.invoices.issued.v1"
INVOICE_OVERDUE = "costgrid.invoices.overdue.v1"
PERIOD_CLOSED = "costgrid.metering.period_closed.v1"
ALLOWANCE_REACHED = "costgrid.metering.allowance_reached.v1"
DEAD_LETTERED = "costgrid.notifications.dead_lettered.v1"
USAGE = "costgrid.usage.v1"
SYNC_TASKS = "costgrid.tasks.ingest.sync.v1"


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    work_queue: bool = False
    max_age_seconds: float = 14 * 24 * 3600
    duplicate_window_seconds: float = 120


EVENTS_STREAM = StreamSpec("COSTGRID_EVENTS", ("costgrid.*.*.v1",))
USAGE_STREAM = StreamSpec("COSTGRID_USAGE", (USAGE,), max_age_seconds=7 * 24 * 3600)
SYNC_TASKS_STREAM = StreamSpec("COSTGRID_SYNC_TASKS", (SYNC_TASKS,), work_queue=True)
ALL_STREAMS = (EVENTS_STREAM, USAGE_STREAM, SYNC_TASKS_STREAM)


@dataclass(frozen=True)
class Namespace:
    prefix: str = ""

    def subject(self, base: str) -> str:
        return f"{self.prefix}.{base}" if self.prefix else base

    def base_subject(self, subject: str) -> str:
        return subject.removeprefix(f"{self.prefix}.") if self.prefix else subject

    def stream(self, name: str) -> str:
        return f"{self.prefix.upper()}_{name}" if self.prefix else name


@dataclass
class Messaging:
    nc: NATS
    js: JetStreamContext
    namespace: Namespace = field(default_factory=Namespace)

    async def close(self) -> None:
        # Not drain(): it waits out idle pull subscriptions. Publishes are already acked by
        # JetStream, and unacked messages are redelivered, so a plain close loses nothing.
        if not self.nc.is_closed:
            await self.nc.close()


async def connect(
    url: str, name: str, namespace: Namespace, wait_seconds: float = 30.0
) -> Messaging:
    """Connects, retrying while the server is not up yet; later outages are reconnected."""
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
        try:
            nc = await nats.connect(
                url,
                name=name,
                max_reconnect_attempts=-1,
                reconnect_time_wait=0.5,
                connect_timeout=2,
                allow_reconnect=True,
                error_cb=_on_error(name),
                disconnected_cb=_on_disconnect,
                reconnected_cb=_on_reconnect,
            )
            return Messaging(nc=nc, js=nc.jetstream(), namespace=namespace)
        except (OSError, nats.errors.NoServersError, TimeoutError):
            if asyncio.get_running_loop().time() > deadline:
                raise
            log.warning("nats.connect_retry", url=url)
            await asyncio.sleep(0.5)


def _on_error(name: str) -> Callable[[Exception], Awaitable[None]]:
    async def on_error(exc: Exception) -> None:
        # Every failed reconnect attempt lands here while the server is away.
        log.warning_limited("nats.error", key=name, connection=name, error=str(exc))

    return on_error


async def _on_disconnect() -> None:
    log.warning("nats.disconnected")


async def _on_reconnect() -> None:
    log.info("nats.reconnected")


def _config(spec: StreamSpec, namespace: Namespace) -> StreamConfig:
    return StreamConfig(
        name=namespace.stream(spec.name),
        subjects=[namespace.subject(s) for s in spec.subjects],
        retention=RetentionPolicy.WORK_QUEUE if spec.work_queue else RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=spec.max_age_seconds,
        duplicate_window=spec.duplicate_window_seconds,
    )


async def ensure_streams(messaging: Messaging, specs: tuple[StreamSpec, ...] = ALL_STREAMS) -> None:
    """Idempotent: creates what is missing, updates what changed, from any replica."""
    for spec in specs:
        config = _config(spec, messaging.namespace)
        name = messaging.namespace.stream(spec.name)
        try:
            await messaging.js.stream_info(name)
            await messaging.js.update_stream(config)
        except NotFoundError:
            try:
                await messaging.js.add_stream(config)
            except nats.js.errors.BadRequestError:
                await messaging.js.stream_info(name)  # another replica won the race


async def delete_streams(messaging: Messaging, specs: tuple[StreamSpec, ...] = ALL_STREAMS) -> None:
    for spec in specs:
        try:
            await messaging.js.delete_stream(messaging.namespace.stream(spec.name))
        except NotFoundError:
            pass


async def consumer_backlog(
    messaging: Messaging, specs: tuple[StreamSpec, ...] = ALL_STREAMS
) -> dict[str, int]:
    """Messages each durable consumer has not yet handled: not delivered, or not yet acked."""
    backlog: dict[str, int] = {}
    for spec in specs:
        for info in await messaging.js.consumers_info(messaging.namespace.stream(spec.name)):
            backlog[info.name] = (info.num_pending or 0) + (info.num_ack_pending or 0)
    return backlog
