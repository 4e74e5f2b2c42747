"""What invoicing's servicer, consumers and overdue loop need at hand, built once at start-up
by the kit, and the clock they read dates from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from services.common.clock import Clock
from services.common.db import Database
from services.invoicing.api.ingest_client import IngestClient
from services.invoicing.settings import InvoicingSettings


@dataclass
class Deps:
    db: Database
    ingest: IngestClient
    clock: Clock
    settings: InvoicingSettings
    page_secret: bytes  # signs page tokens

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(UTC).date()
