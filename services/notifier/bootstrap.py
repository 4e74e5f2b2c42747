"""Wiring of the notifier service: its deps, servicer, subscriptions and delivery worker."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from services.common.inbox import Subscription
from services.common.server import Loop, Runtime, ServiceDefinition
from services.notifier import consumers
from services.notifier.api import notification_service
from services.notifier.delivery.context import NotifierContext
from services.notifier.delivery.worker import DeliveryWorker
from services.notifier.deps import Deps
from services.notifier.settings import NotifierSettings


def deps_of(runtime: Runtime) -> Deps:
    settings = cast(NotifierSettings, runtime.settings)  # the kit built it from `settings=`
    context = NotifierContext.build(settings)
    return Deps(runtime.db, context, DeliveryWorker(runtime.db, context))


def definition() -> ServiceDefinition[Deps]:
    """Settings are COSTGRID_NOTIFIER_* from the environment (or the NotifierSettings given to
    `start`; tests shorten the timeouts and allow loopback receivers that way)."""

    def subscriptions(deps: Deps) -> list[Subscription]:
        # Planned deliveries are sent as soon as their batch commits.
        return [replace(s, after_commit=deps.worker.wake) for s in consumers.subscriptions()]

    def background(deps: Deps) -> list[Loop]:
        return [deps.worker.run]

    return ServiceDefinition(
        name="notifier",
        settings=NotifierSettings,
        deps=deps_of,
        register=notification_service.register,
        subscriptions=subscriptions,
        background=background,
    )
