"""Wiring of the notifier service: its deps, servicer, subscriptions and delivery worker."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import grpc

from services.common.inbox import Subscription
from services.common.server import Loop, Runtime, ServiceDefinition
from services.notifier import api, consumers
from services.notifier.config import NotifierConfig, load_config
from services.notifier.context import NotifierContext
from services.notifier.deps import Deps
from services.notifier.worker import DeliveryWorker


def definition(config: NotifierConfig | None = None) -> ServiceDefinition[Deps]:
    """`config` defaults to the COSTGRID_NOTIFIER_* environment; tests pass their own."""
    notifier_config = config or load_config()

    def deps(runtime: Runtime) -> Deps:
        context = NotifierContext.build(runtime.settings, notifier_config)
        return Deps(runtime.db, context, DeliveryWorker(runtime.db, context))

    def register(server: grpc.aio.Server, deps: Deps) -> Iterable[str]:
        return api.register(server, deps.db, deps.context)

    def subscriptions(deps: Deps) -> list[Subscription]:
        # Planned deliveries are sent as soon as their batch commits.
        return [replace(s, after_commit=deps.worker.wake) for s in consumers.subscriptions()]

    def background(deps: Deps) -> list[Loop]:
        return [deps.worker.run]

    return ServiceDefinition(
        name="notifier",
        deps=deps,
        register=register,
        subscriptions=subscriptions,
        background=background,
    )
