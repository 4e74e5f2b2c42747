"""Metering's own settings on top of the kit's (env COSTGRID_METERING_*, read once)."""

from __future__ import annotations

from pydantic import Field

from services.common.settings import Settings


class MeteringSettings(Settings):
    # Late usage keeps arriving after a month ends; periods close this long after their end.
    metering_close_grace_seconds: float = Field(2 * 86_400, ge=0)
    metering_close_interval_seconds: float = Field(60.0, gt=0)
    # Usage messages per fetch (one write transaction each) and worker processes applying them.
    metering_usage_fetch: int = Field(4096, ge=1)
    metering_usage_workers: int = Field(2, ge=1)
    # A batch unacknowledged this long goes to another worker; workers at it send in-progress
    # acks three times per wait, so only a dead or stuck one loses it.
    metering_usage_ack_wait_seconds: float = Field(6.0, ge=1)
