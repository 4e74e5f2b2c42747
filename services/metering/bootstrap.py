"""Wiring of the metering service: its deps, servicer, usage consumer and closing loop."""

from __future__ import annotations

from typing import cast

from services.common.server import Loop, Runtime, ServiceDefinition
from services.metering.api import metering_service
from services.metering.consumers import UsageConsumer
from services.metering.deps import Deps
from services.metering.handlers.closing import closing_loop
from services.metering.settings import MeteringSettings


def deps_of(runtime: Runtime) -> Deps:
    settings = cast(MeteringSettings, runtime.settings)  # the kit built it from `settings=`
    return Deps(runtime.db, runtime.messaging, settings, runtime.signing_key)


def definition(
    close_grace_seconds: float | None = None, close_interval_seconds: float | None = None
) -> ServiceDefinition[Deps]:
    """Grace and interval default to COSTGRID_METERING_CLOSE_GRACE_SECONDS / _INTERVAL_SECONDS."""

    def background(deps: Deps) -> list[Loop]:
        settings = deps.settings
        grace = settings.metering_close_grace_seconds
        interval = settings.metering_close_interval_seconds
        consumer = UsageConsumer(
            settings,
            deps.messaging,
            batch=settings.metering_usage_fetch,
            workers=settings.metering_usage_workers,
            ack_wait_seconds=settings.metering_usage_ack_wait_seconds,
        )
        return [
            consumer.run,
            closing_loop(
                deps.db,
                grace if close_grace_seconds is None else close_grace_seconds,
                interval if close_interval_seconds is None else close_interval_seconds,
            ),
        ]

    return ServiceDefinition(
        name="metering",
        settings=MeteringSettings,
        deps=deps_of,
        register=metering_service.register,
        background=background,
    )
