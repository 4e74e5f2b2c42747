"""Wiring of the notifier service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

from collections.abc import Iterable

import grpc

from services.common.server import Loop, Runtime, ServiceDefinition
from services.notifier import api, consumers
from services.notifier.config import NotifierConfig, load_config
from services.notifier.context import NotifierContext
from services.notifier.inbox_runner import BatchInbox
from services.notifier.worker import DeliveryWorker


def definition(config: NotifierConfig | None = None) -> ServiceDefinition:
    """`config` defaults to the COSTGRID_NOTIFIER_* environment; tests pass their own."""
    notifier_config = config or load_config()
    contexts: dict[str, NotifierContext] = {}

    def context(runtime: Runtime) -> NotifierContext:
        if "ctx" not in contexts:
            contexts["ctx"] = NotifierContext.build(runtime.settings, notifier_config)
        return contexts["ctx"]

    def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
        return api.register(server, runtime, context(runtime))

    def background(runtime: Runtime) -> list[Loop]:
        assert runtime.db is not None and runtime.messaging is not None
        worker = DeliveryWorker(runtime.db, context(runtime))
        inboxes = [
            BatchInbox(runtime.db, runtime.messaging, subscription, worker.wake)
            for subscription in consumers.subscriptions()
        ]
        return [worker.run, *(inbox.run for inbox in inboxes)]

    # Subscriptions run in `background` (BatchInbox), not the kit's one-at-a-time loop.
    return ServiceDefinition(name="notifier", register=register, background=background)
