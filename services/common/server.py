"""The skeleton every service runs: gRPC with health and reflection, metrics, database,
messaging, outbox relay, inbox consumers and background loops, and graceful shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from prometheus_client import start_http_server

from services.common import clients, message_size, migrations, provisioning
from services.common.db import Database
from services.common.inbox import InboxConsumer, Subscription
from services.common.interceptors import ServiceInterceptor
from services.common.logging import configure_logging, get_logger
from services.common.messaging import Messaging, Namespace, connect, ensure_streams
from services.common.outbox import OutboxRelay
from services.common.readiness import Readiness
from services.common.settings import Settings

log = get_logger(__name__)
Loop = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
D = TypeVar("D")


@dataclass
class Runtime:
    """What a service's deps factory gets: its settings and the live connections."""

    name: str
    settings: Settings
    _db: Database | None = None
    _messaging: Messaging | None = None
    readiness: Readiness | None = None
    _channels: dict[str, grpc.aio.Channel] = field(default_factory=dict)

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError(f"{self.name} was defined without a database")
        return self._db

    @property
    def messaging(self) -> Messaging:
        if self._messaging is None:
            raise RuntimeError(f"{self.name} was defined without messaging")
        return self._messaging

    @property
    def signing_key(self) -> bytes:
        return self.settings.context_signing_key.get_secret_value().encode()

    def channel(self, service: str) -> grpc.aio.Channel:
        if service not in self._channels:
            self._channels[service] = clients.channel(
                self.settings.addr_of(service),
                self.signing_key,
                options=message_size.channel_options(self.settings.grpc_max_message_bytes),
            )
        return self._channels[service]


def runtime_itself(runtime: Runtime) -> Runtime:
    """The deps of a service that needs nothing beyond the runtime (test doubles)."""
    return runtime


def _nothing(deps: object) -> list[Any]:
    return []


@dataclass
class ServiceDefinition(Generic[D]):
    """A service, declared once: the kit builds its settings (`settings`, a subclass of the
    kit's Settings), connects, builds its deps once with `deps(runtime)`, and hands those deps
    to everything else."""

    name: str
    deps: Callable[[Runtime], D]
    # Adds the servicers to the server and returns their full names (for health and reflection).
    register: Callable[[grpc.aio.Server, D], Iterable[str]]
    settings: type[Settings] = Settings
    subscriptions: Callable[[D], list[Subscription]] = _nothing
    background: Callable[[D], list[Loop]] = _nothing
    on_start: Callable[[D], Awaitable[None]] | None = None
    uses_database: bool = True
    uses_messaging: bool = True


@dataclass
class RunningService:
    runtime: Runtime
    server: grpc.aio.Server
    health: health.aio.HealthServicer
    port: int
    metrics_port: int | None
    stop_event: asyncio.Event
    tasks: list[asyncio.Task[None]]
    _metrics_server: Any = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def stop(self, grace: float, drain: float = 0.0) -> None:
        """NOT_SERVING first (so probes and balancers move away), then finish in-flight calls."""
        await self.health.enter_graceful_shutdown()
        if drain:
            await asyncio.sleep(drain)
        await self.server.stop(grace)
        self.stop_event.set()
        for task in self.tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=grace)
        for channel in self.runtime._channels.values():
            await channel.close()
        if self.runtime._messaging:
            await self.runtime._messaging.close()
        if self.runtime._db:
            await self.runtime._db.dispose()
        if self._metrics_server is not None:
            self._metrics_server.shutdown()


async def prepare_database(settings: Settings, service: str) -> Database:
    await provisioning.ensure_database(settings)
    await provisioning.ensure_service_schema(settings, service)
    db = Database.for_service(settings, service)
    if settings.migrate_on_start:
        await migrations.upgrade(db, service)
    return db


async def start(definition: ServiceDefinition[D], settings: Settings) -> RunningService:
    settings = definition.settings.extending(settings)
    runtime = Runtime(definition.name, settings)
    if definition.uses_database:
        runtime._db = await prepare_database(settings, definition.name)
    if definition.uses_messaging:
        runtime._messaging = await connect(
            settings.nats_url, f"costgrid-{definition.name}", Namespace(settings.namespace)
        )
        await ensure_streams(runtime._messaging)
    deps = definition.deps(runtime)
    if definition.on_start:
        await definition.on_start(deps)

    limit = settings.grpc_max_message_bytes
    server = grpc.aio.server(
        interceptors=[ServiceInterceptor(definition.name, runtime.signing_key, limit)],
        options=message_size.server_options(limit),
    )
    names = list(definition.register(server, deps))
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [
            *names,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ],
        server,
    )
    port = server.add_insecure_port(settings.addr_of(definition.name))
    await server.start()

    stop_event = asyncio.Event()
    loops: list[Loop] = list(definition.background(deps))
    if runtime._db and runtime._messaging:
        relay = OutboxRelay(runtime.db, runtime.messaging, settings.outbox_poll_seconds)
        loops.append(relay.run)
        for subscription in definition.subscriptions(deps):
            consumer = InboxConsumer(
                runtime.db, runtime.messaging, subscription, settings.event_ack_wait_seconds
            )
            await consumer.declare()
            loops.append(consumer.run)
    runtime.readiness = Readiness(
        health_servicer, names, runtime._db, runtime._messaging, settings.health_probe_seconds
    )
    loops.append(runtime.readiness.run)
    tasks = [asyncio.create_task(loop(stop_event)) for loop in loops]

    await runtime.readiness.publish()
    metrics_server, metrics_port = _start_metrics(settings.metrics_port_of(definition.name))
    log.info(
        "service.started",
        grpc=f"{settings.addr_of(definition.name).rsplit(':', 1)[0]}:{port}",
        metrics_port=metrics_port,
        services=names,
    )
    return RunningService(
        runtime, server, health_servicer, port, metrics_port, stop_event, tasks, metrics_server
    )


def _start_metrics(port: int) -> tuple[Any, int | None]:
    if port < 0:
        return None, None
    server, _thread = start_http_server(port, addr="127.0.0.1")
    return server, server.server_port


async def serve(definition: ServiceDefinition[D], settings: Settings) -> None:
    """Runs until SIGTERM or SIGINT, then shuts down gracefully."""
    configure_logging(definition.name, settings.log_level)
    if settings.env != "dev" and settings.uses_dev_keys():
        raise SystemExit(
            "COSTGRID_CONTEXT_SIGNING_KEY and COSTGRID_ENCRYPTION_KEYS must be set outside dev"
        )
    running = await start(definition, settings)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    log.info("service.stopping", grace_seconds=settings.grace_period_seconds)
    await running.stop(settings.grace_period_seconds, drain=min(1.0, settings.grace_period_seconds))
    log.info("service.stopped")


def main(
    definition: ServiceDefinition[D],
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
) -> None:
    """`loop_factory`: an event loop other than asyncio's own (the gateway runs on uvloop)."""
    from services.common.known_settings import refuse_unknown_variables
    from services.common.settings import load_settings

    refuse_unknown_variables()
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(serve(definition, load_settings()))


def service_name(proto_module: Any, service: str) -> str:
    """Full gRPC name of a service in a generated *_pb2 module (for health and reflection)."""
    return str(proto_module.DESCRIPTOR.services_by_name[service].full_name)
