"""Wiring of the invoicing service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

from collections.abc import Iterable

import grpc

from services.common.server import Runtime, ServiceDefinition
from services.invoicing import api, consumers
from services.invoicing.config import Clock, Deps, InvoicingConfig, utc_now
from services.invoicing.ingest_client import IngestClient
from services.invoicing.overdue import overdue_loop


def definition(config: InvoicingConfig | None = None, clock: Clock = utc_now) -> ServiceDefinition:
    """`config` defaults to COSTGRID_INVOICING_* from the environment; `clock` to UTC now."""
    config = config or InvoicingConfig()
    built: dict[int, Deps] = {}

    def deps_of(runtime: Runtime) -> Deps:
        if id(runtime) not in built:
            assert runtime.db is not None
            built[id(runtime)] = Deps(
                db=runtime.db,
                ingest=IngestClient(lambda: runtime.channel("ingest")),
                clock=clock,
                config=config,
                page_secret=runtime.signing_key,
            )
        return built[id(runtime)]

    def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
        return api.register(server, deps_of(runtime))

    return ServiceDefinition(
        name="invoicing",
        register=register,
        subscriptions=lambda runtime: consumers.subscriptions(deps_of(runtime)),
        background=lambda runtime: [overdue_loop(deps_of(runtime))],
    )
