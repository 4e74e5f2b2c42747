"""Domain <-> proto for the invoicing API."""

from __future__ import annotations

from decimal import Decimal

from costgrid.common.v1 import date_range_pb2, money_pb2
from costgrid.invoicing.v1 import service_pb2 as pb

from services.common.errors import InvalidArgument
from services.common.money import decimal_str, parse_currency, parse_decimal
from services.common.money import money_proto as money
from services.common.wire import timestamp_proto as timestamp
from services.invoicing.domain.model import (
    BillingSettings,
    Invoice,
    IssuerProfile,
    Line,
    SkipReason,
    Status,
)
from services.invoicing.handlers.generation import Outcome, Report


def _optional_decimal(value: Decimal | None) -> str:
    return decimal_str(value.normalize()) if value is not None else ""


def line_pb(line: Line, currency: str) -> pb.InvoiceLine:
    return pb.InvoiceLine(
        description=line.description,
        category=line.category,
        quantity=_optional_decimal(line.quantity),
        unit=line.unit,
        unit_price=_optional_decimal(line.unit_price),
        amount=money(line.amount, currency),
    )


def invoice_pb(invoice: Invoice, with_lines: bool = True) -> pb.Invoice:
    return pb.Invoice(
        id=invoice.id,
        number=invoice.number,
        status=pb.InvoiceStatus.Value(f"INVOICE_STATUS_{invoice.status.value}"),
        source=pb.InvoiceSource.Value(f"INVOICE_SOURCE_{invoice.source.value}"),
        account_id=invoice.account_id,
        tenant_id=invoice.tenant_id,
        client_name=invoice.client_name,
        period_year=invoice.period_year,
        period_month=invoice.period_month,
        period=date_range_pb2.DateRange(
            start_date=invoice.period_start.isoformat(), end_date=invoice.period_end.isoformat()
        ),
        currency_code=invoice.currency,
        lines=[line_pb(line, invoice.currency) for line in invoice.lines] if with_lines else [],
        amount=money(invoice.amount, invoice.currency),
        notes=invoice.notes,
        issue_date=invoice.issue_date.isoformat() if invoice.issue_date else "",
        due_date=invoice.due_date.isoformat() if invoice.due_date else "",
        paid_time=timestamp(invoice.paid_at),
        create_time=timestamp(invoice.created_at),
        update_time=timestamp(invoice.updated_at),
    )


def status_from_pb(
    value: pb.InvoiceStatus.ValueType, field: str, allow_unspecified: bool
) -> Status | None:
    if value == pb.INVOICE_STATUS_UNSPECIFIED and allow_unspecified:
        return None
    if value not in pb.InvoiceStatus.values() or value == pb.INVOICE_STATUS_UNSPECIFIED:
        raise InvalidArgument(field, f"{value} is not an invoice status")
    return Status(pb.InvoiceStatus.Name(value).removeprefix("INVOICE_STATUS_"))


def _outcome_pb(outcome: Outcome) -> pb.InvoiceOutcome:
    return pb.InvoiceOutcome(
        account_id=outcome.account_id,
        account_name=outcome.account_name,
        period_year=outcome.period_year,
        period_month=outcome.period_month,
        invoice=invoice_pb(outcome.invoice) if outcome.invoice else None,
        skip_reason=_skip_pb(outcome.skip_reason),
        detail=outcome.detail,
    )


def _skip_pb(reason: SkipReason | None) -> pb.InvoiceSkipReason.ValueType:
    return pb.InvoiceSkipReason.Value(
        f"INVOICE_SKIP_REASON_{reason.value if reason else 'UNSPECIFIED'}"
    )


def report_fields(report: Report) -> dict[str, list[pb.InvoiceOutcome]]:
    return {
        "created": [_outcome_pb(o) for o in report.created],
        "updated": [_outcome_pb(o) for o in report.updated],
        "skipped": [_outcome_pb(o) for o in report.skipped],
    }


def settings_pb(value: BillingSettings) -> pb.AccountBillingSettings:
    return pb.AccountBillingSettings(
        account_id=value.account_id,
        markup_percent=decimal_str(value.markup_percent.normalize()),
        payment_terms_days=value.payment_terms_days,
        client_name=value.client_name,
        client_address=value.client_address,
    )


def settings_from_pb(value: pb.AccountBillingSettings) -> BillingSettings:
    markup = value.markup_percent.strip() or "0"
    return BillingSettings(
        account_id=value.account_id,
        markup_percent=parse_decimal(markup, "settings.markup_percent"),
        payment_terms_days=value.payment_terms_days,
        client_name=value.client_name,
        client_address=value.client_address,
    )


def profile_pb(value: IssuerProfile) -> pb.IssuerProfile:
    return pb.IssuerProfile(
        name=value.name,
        address=value.address,
        email=value.email,
        tax_id=value.tax_id,
        payment_instructions=value.payment_instructions,
    )


def profile_from_pb(value: pb.IssuerProfile) -> IssuerProfile:
    return IssuerProfile(
        value.name, value.address, value.email, value.tax_id, value.payment_instructions
    )


def amount_from_pb(value: money_pb2.Money) -> tuple[Decimal, str]:
    currency = (
        parse_currency(value.currency_code, "invoice.amount.currency_code")
        if (value.currency_code)
        else ""
    )
    return parse_decimal(value.amount, "invoice.amount.amount"), currency
