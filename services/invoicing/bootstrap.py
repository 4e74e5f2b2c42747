"""Wiring of the invoicing service: its deps, servicers, subscriptions and the overdue loop."""

from __future__ import annotations

from typing import cast

from services.common.clock import Clock, utc_now
from services.common.server import Loop, Runtime, ServiceDefinition
from services.invoicing import consumers
from services.invoicing.api import invoice_service
from services.invoicing.api.ingest_client import IngestClient
from services.invoicing.deps import Deps
from services.invoicing.handlers.overdue import overdue_loop
from services.invoicing.settings import InvoicingSettings


def definition(clock: Clock = utc_now) -> ServiceDefinition[Deps]:
    """Settings are COSTGRID_INVOICING_* from the environment (or the InvoicingSettings given
    to `start`); `clock` defaults to UTC now."""

    def deps(runtime: Runtime) -> Deps:
        return Deps(
            db=runtime.db,
            ingest=IngestClient(lambda: runtime.channel("ingest")),
            clock=clock,
            settings=cast(InvoicingSettings, runtime.settings),  # the kit built it: `settings=`
            page_secret=runtime.signing_key,
        )

    def background(deps: Deps) -> list[Loop]:
        return [overdue_loop(deps)]

    return ServiceDefinition(
        name="invoicing",
        settings=InvoicingSettings,
        deps=deps,
        register=invoice_service.register,
        subscriptions=consumers.subscriptions,
        background=background,
    )
