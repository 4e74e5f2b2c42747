"""Wiring of the notifier service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import grpc

from services.common.inbox import Subscription
from services.common.server import Loop, Runtime, ServiceDefinition
from services.notifier import api, consumers
from services.notifier.config import NotifierConfig, load_config
from services.notifier.context import NotifierContext
from services.notifier.worker import DeliveryWorker


def definition(config: NotifierConfig | None = None) -> ServiceDefinition:
    """`config` defaults to the COSTGRID_NOTIFIER_* environment; tests pass their own."""
    notifier_config = config or load_config()
    contexts: dict[str, NotifierContext] = {}
    workers: dict[str, DeliveryWorker] = {}

    def context(runtime: Runtime) -> NotifierContext:
        if "ctx" not in contexts:
            contexts["ctx"] = NotifierContext.build(runtime.settings, notifier_config)
        return contexts["ctx"]

    def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
        return api.register(server, runtime, context(runtime))

    def worker(runtime: Runtime) -> DeliveryWorker:
        if "worker" not in workers:
            assert runtime.db is not None
            workers["worker"] = DeliveryWorker(runtime.db, context(runtime))
        return workers["worker"]

    def subscriptions(runtime: Runtime) -> list[Subscription]:
        # Planned deliveries are sent as soon as their batch commits.
        wake = worker(runtime).wake
        return [replace(s, after_commit=wake) for s in consumers.subscriptions()]

    def background(runtime: Runtime) -> list[Loop]:
        return [worker(runtime).run]

    return ServiceDefinition(
        name="notifier", register=register, subscriptions=subscriptions, background=background
    )
