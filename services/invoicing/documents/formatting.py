"""How amounts, dates and periods read on an invoice document."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.common.money import minor_units
from services.invoicing.domain.model import Invoice, Status

SOURCE_LABEL = {"CLOUD_COSTS": "Cloud costs", "METERING": "Platform usage"}


def amount(value: Decimal, currency: str) -> str:
    """Grouped thousands, exactly the currency's minor unit: 1,234.50."""
    places = minor_units(currency)
    return format(value.quantize(Decimal(1).scaleb(-places)), f",.{places}f")


def plain_amount(value: Decimal, currency: str) -> str:
    """For CSV: no grouping, so spreadsheets read it as a number."""
    places = minor_units(currency)
    return format(value.quantize(Decimal(1).scaleb(-places)), f".{places}f")


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def decimal_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def period(invoice: Invoice) -> str:
    return f"{invoice.period_start.isoformat()} to {invoice.period_end.isoformat()}"


def status_note(invoice: Invoice) -> str:
    if invoice.status is Status.DRAFT:
        return "DRAFT - the period is still open; amounts may change"
    if invoice.status is Status.PAID and invoice.paid_at:
        return f"PAID on {invoice.paid_at.date().isoformat()}"
    if invoice.status is Status.OVERDUE:
        return f"OVERDUE - payment was due on {day(invoice.due_date)}"
    return ""


def filename(invoice: Invoice, extension: str) -> str:
    return f"{invoice.number}.{extension}"
