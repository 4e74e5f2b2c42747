"""Wiring of the budgets service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import grpc

from services.budgets import api, consumers
from services.budgets.handlers import Deps, utc_today
from services.common.inbox import Subscription
from services.common.server import Runtime, ServiceDefinition


def definition(today: Callable[[], date] = utc_today) -> ServiceDefinition:
    """`today` is the service's clock; tests pass one they can move."""

    def deps(runtime: Runtime) -> Deps:
        assert runtime.db is not None, "budgets needs its database"
        return Deps(runtime.db, runtime.signing_key, today, lambda: runtime.channel("ingest"))

    def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
        return api.register(server, deps(runtime))

    def subscriptions(runtime: Runtime) -> list[Subscription]:
        return consumers.subscriptions(deps(runtime))

    return ServiceDefinition(name="budgets", register=register, subscriptions=subscriptions)
