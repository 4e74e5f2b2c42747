"""Wiring of the metering service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

import os

from services.common.server import Loop, Runtime, ServiceDefinition
from services.metering import api
from services.metering.consumers import UsageConsumer
from services.metering.handlers.closing import closing_loop

# Late usage keeps arriving after a month ends; periods close this long after their end.
DEFAULT_CLOSE_GRACE_SECONDS = 2 * 86_400
DEFAULT_CLOSE_INTERVAL_SECONDS = 60.0
# Usage messages per fetch (one write transaction each) and worker processes applying them.
DEFAULT_USAGE_FETCH = 4096
DEFAULT_USAGE_WORKERS = 2


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def definition(
    close_grace_seconds: float | None = None, close_interval_seconds: float | None = None
) -> ServiceDefinition:
    """Grace and interval come from COSTGRID_METERING_CLOSE_GRACE_SECONDS / _INTERVAL_SECONDS."""
    grace = close_grace_seconds
    if grace is None:
        grace = _env_float("COSTGRID_METERING_CLOSE_GRACE_SECONDS", DEFAULT_CLOSE_GRACE_SECONDS)
    interval = close_interval_seconds
    if interval is None:
        interval = _env_float(
            "COSTGRID_METERING_CLOSE_INTERVAL_SECONDS", DEFAULT_CLOSE_INTERVAL_SECONDS
        )

    def background(runtime: Runtime) -> list[Loop]:
        assert runtime.db is not None and runtime.messaging is not None
        consumer = UsageConsumer(
            runtime.settings,
            runtime.messaging,
            batch=int(_env_float("COSTGRID_METERING_USAGE_FETCH", DEFAULT_USAGE_FETCH)),
            workers=int(_env_float("COSTGRID_METERING_USAGE_WORKERS", DEFAULT_USAGE_WORKERS)),
        )
        return [consumer.run, closing_loop(runtime.db, grace, interval)]

    return ServiceDefinition(name="metering", register=api.register, background=background)
