"""Dates an invoice gets when it is issued or assumed paid, and its creation from parts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from services.invoicing.domain.model import Invoice, Status
from services.invoicing.domain.periods import day_after, due_date


def issue(invoice: Invoice, status: Status, today: date, payment_terms_days: int) -> None:
    """PENDING is issued today; a historical PAID one was issued the day after its period,
    and is assumed paid on its due date (or today, if that is still ahead)."""
    invoice.status = status
    if status is Status.PAID:
        invoice.issue_date = day_after(invoice.period_year, invoice.period_month)
        invoice.due_date = due_date(invoice.issue_date, payment_terms_days)
        invoice.paid_at = datetime.combine(min(invoice.due_date, today), time(), UTC)
    elif status is not Status.DRAFT:
        invoice.issue_date = today
        invoice.due_date = due_date(today, payment_terms_days)
