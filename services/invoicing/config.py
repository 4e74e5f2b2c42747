"""Invoicing's own settings (env COSTGRID_INVOICING_*), and the clock it reads dates from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.db import Database
from services.invoicing.ingest_client import IngestClient

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class InvoicingConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COSTGRID_INVOICING_", extra="ignore")

    # How often PENDING invoices past their due date are turned OVERDUE.
    overdue_interval_seconds: float = 3600.0
    # GenerateHistoricalInvoices covers every month from an account's first month with cost,
    # but never more than this many months before the current one (a safety cap).
    historical_months: int = 120
    # Invoices turned OVERDUE per transaction.
    overdue_batch: int = 200


@dataclass
class Deps:
    """What the handlers need: the database, ingest, the clock and the config."""

    db: Database
    ingest: IngestClient
    clock: Clock
    config: InvoicingConfig
    page_secret: bytes

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(UTC).date()
