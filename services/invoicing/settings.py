"""Invoicing's own settings on top of the kit's (env COSTGRID_INVOICING_*, read once)."""

from __future__ import annotations

from services.common.settings import Settings


class InvoicingSettings(Settings):
    # How often PENDING invoices past their due date are turned OVERDUE.
    invoicing_overdue_interval_seconds: float = 3600.0
    # GenerateHistoricalInvoices covers every month from an account's first month with cost,
    # but never more than this many months before the current one (a safety cap).
    invoicing_historical_months: int = 120
    # Invoices turned OVERDUE per transaction.
    invoicing_overdue_batch: int = 200
