"""What budgets' servicers, handlers and consumers need, built once at start-up by the kit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import grpc

from services.common.clock import Today, utc_today
from services.common.db import Database


@dataclass(frozen=True)
class Deps:
    db: Database
    # Key for page tokens.
    secret: bytes
    # "Today" in UTC; tests move it to cross period boundaries.
    today: Today = utc_today
    # A channel to ingest, which confirms the cloud accounts a budget is scoped to.
    ingest: Callable[[], grpc.aio.Channel] | None = None
