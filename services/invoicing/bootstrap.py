"""Wiring of the invoicing service: its deps, servicers, subscriptions and the overdue loop."""

from __future__ import annotations

from services.common.server import Loop, Runtime, ServiceDefinition
from services.invoicing import api, consumers
from services.invoicing.config import Clock, Deps, InvoicingConfig, utc_now
from services.invoicing.ingest_client import IngestClient
from services.invoicing.overdue import overdue_loop


def definition(
    config: InvoicingConfig | None = None, clock: Clock = utc_now
) -> ServiceDefinition[Deps]:
    """`config` defaults to COSTGRID_INVOICING_* from the environment; `clock` to UTC now."""
    config = config or InvoicingConfig()

    def deps(runtime: Runtime) -> Deps:
        return Deps(
            db=runtime.db,
            ingest=IngestClient(lambda: runtime.channel("ingest")),
            clock=clock,
            config=config,
            page_secret=runtime.signing_key,
        )

    def background(deps: Deps) -> list[Loop]:
        return [overdue_loop(deps)]

    return ServiceDefinition(
        name="invoicing",
        deps=deps,
        register=api.register,
        subscriptions=consumers.subscriptions,
        background=background,
    )
