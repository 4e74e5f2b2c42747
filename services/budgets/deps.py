"""What budgets' servicers, handlers and consumers need, built once at start-up by the kit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import grpc

from services.common.db import Database


def utc_today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Deps:
    db: Database
    # Key for page tokens.
    secret: bytes
    # "Today" in UTC; tests move it to cross period boundaries.
    today: Callable[[], date] = utc_today
    # A channel to ingest, which confirms the cloud accounts a budget is scoped to.
    ingest: Callable[[], grpc.aio.Channel] | None = None
