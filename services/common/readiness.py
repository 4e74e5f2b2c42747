"""Liveness and readiness, as two kinds of name on the one gRPC health service.

- `liveness`: SERVING while the process's event loop answers. A failing liveness probe means
  restart the process; an outage of PostgreSQL or NATS is no reason to, so it never counts here.
- `""` (the server as a whole) and each servicer's full name: readiness, SERVING only while
  PostgreSQL and NATS answer a background probe, so probes and balancers send calls elsewhere.

The probe runs every `COSTGRID_HEALTH_PROBE_SECONDS` and caches what it saw: a health check
costs nothing, however often it is asked.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from grpc_health.v1 import health, health_pb2
from sqlalchemy import text

from services.common.db import Database
from services.common.logging import get_logger
from services.common.messaging import Messaging
from services.common.outages import NATS, POSTGRES

log = get_logger(__name__)
LIVENESS = "liveness"
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class Readiness:
    def __init__(
        self,
        health_servicer: health.aio.HealthServicer,
        names: list[str],
        db: Database | None,
        messaging: Messaging | None,
        every_seconds: float,
    ) -> None:
        self._health = health_servicer
        self._names = ["", *names]
        self._every = every_seconds
        self._probes: dict[str, Callable[[], Awaitable[None]]] = {}
        if db is not None:
            self._probes[POSTGRES] = lambda: _ping_postgres(db)
        if messaging is not None:
            self._probes[NATS] = lambda: _ping_nats(messaging)
        # Start-up has just connected to both: up until a probe says otherwise.
        self.dependencies: dict[str, bool] = dict.fromkeys(self._probes, True)

    @property
    def ready(self) -> bool:
        return all(self.dependencies.values())

    async def publish(self) -> None:
        await self._health.set(LIVENESS, SERVING)
        for name in self._names:
            await self._health.set(name, SERVING if self.ready else NOT_SERVING)

    async def probe(self) -> None:
        timeout = max(1.0, self._every)
        seen = await asyncio.gather(*(_answers(p, within=timeout) for p in self._probes.values()))
        for dependency, up in zip(self._probes, seen, strict=True):
            if up != self.dependencies[dependency]:
                (log.info if up else log.warning)(
                    "dependency.up" if up else "dependency.down", dependency=dependency
                )
            self.dependencies[dependency] = up
        await self.publish()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._every)
                return
            await self.probe()


async def _answers(probe: Callable[[], Awaitable[None]], within: float) -> bool:
    try:
        await asyncio.wait_for(probe(), timeout=within)
    except asyncio.CancelledError:
        raise
    except Exception:  # whatever the reason, it did not answer
        return False
    return True


async def _ping_postgres(db: Database) -> None:
    async with db.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _ping_nats(messaging: Messaging) -> None:
    if not messaging.nc.is_connected:
        raise ConnectionError("not connected")
    await messaging.nc.flush(timeout=1)
