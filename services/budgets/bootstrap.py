"""Wiring of the budgets service: its deps, servicers and event subscriptions."""

from __future__ import annotations

from services.budgets import consumers
from services.budgets.api import servicers
from services.budgets.deps import Deps
from services.common.clock import Today, utc_today
from services.common.server import Runtime, ServiceDefinition


def definition(today: Today = utc_today) -> ServiceDefinition[Deps]:
    """`today` is the service's clock; tests pass one they can move."""

    def deps(runtime: Runtime) -> Deps:
        return Deps(runtime.db, runtime.signing_key, today, lambda: runtime.channel("ingest"))

    return ServiceDefinition(
        name="budgets",
        deps=deps,
        register=servicers.register,
        subscriptions=consumers.subscriptions,
    )
