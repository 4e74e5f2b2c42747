"""Wiring of the metering service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

from services.common.server import Loop, Runtime, ServiceDefinition
from services.metering import api
from services.metering.consumers import UsageConsumer
from services.metering.handlers.closing import closing_loop
from services.metering.settings import metering_settings


def definition(
    close_grace_seconds: float | None = None, close_interval_seconds: float | None = None
) -> ServiceDefinition:
    """Grace and interval default to COSTGRID_METERING_CLOSE_GRACE_SECONDS / _INTERVAL_SECONDS."""

    def background(runtime: Runtime) -> list[Loop]:
        assert runtime.db is not None and runtime.messaging is not None
        settings = metering_settings(runtime.settings)
        grace = settings.metering_close_grace_seconds
        interval = settings.metering_close_interval_seconds
        consumer = UsageConsumer(
            runtime.settings,
            runtime.messaging,
            batch=settings.metering_usage_fetch,
            workers=settings.metering_usage_workers,
            ack_wait_seconds=settings.metering_usage_ack_wait_seconds,
        )
        return [
            consumer.run,
            closing_loop(
                runtime.db,
                grace if close_grace_seconds is None else close_grace_seconds,
                interval if close_interval_seconds is None else close_interval_seconds,
            ),
        ]

    return ServiceDefinition(name="metering", register=api.register, background=background)
