"""metering.period_closed -> an issued invoice for the tenant, exactly once.

The inbox applies each event id once; the unique (org, statement) key makes a statement
announced again under a new event id a no-op too.
"""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

from costgrid.metering.v1 import events_pb2 as metering_events
from costgrid.metering.v1 import service_pb2 as metering_pb
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.inbox import Event
from services.common.logging import get_logger
from services.common.money import parse_currency, parse_decimal
from services.invoicing.deps import Deps
from services.invoicing.domain.issuing import issue
from services.invoicing.domain.metering import StatementLine, statement_lines
from services.invoicing.domain.model import (
    DEFAULT_PAYMENT_TERMS_DAYS,
    Invoice,
    Source,
    Status,
    invoice_number,
)
from services.invoicing.domain.periods import month_range
from services.invoicing.domain.pricing import total
from services.invoicing.handlers import events
from services.invoicing.repository import invoices as repo

log = get_logger(__name__)


def _category(value: metering_pb.StatementCategory.ValueType) -> str:
    name = metering_pb.StatementCategory.Name(value)
    return name.removeprefix("STATEMENT_CATEGORY_").lower()


def _optional(text: str, field: str) -> Decimal | None:
    return parse_decimal(text, field) if text else None


def _lines(statement: metering_pb.Statement) -> list[StatementLine]:
    return [
        StatementLine(
            category=_category(line.category),
            description=line.description,
            amount=parse_decimal(line.amount.amount, "statement.lines.amount"),
            quantity=_optional(line.quantity, "statement.lines.quantity"),
            unit=line.unit,
            rate=_optional(line.rate, "statement.lines.rate"),
        )
        for line in statement.lines
    ]


def period_closed_handler(deps: Deps):  # type: ignore[no-untyped-def]
    async def handle(session: AsyncSession, event: Event) -> None:
        closed = event.parse(metering_events.PeriodClosed)
        org_id = closed.org_id or event.org_id
        statement = closed.statement
        if await repo.find_by_statement(session, org_id, statement.id) is not None:
            log.info("invoices.statement_already_invoiced", statement_id=statement.id)
            return
        year, month = (int(part) for part in statement.period.split("-"))
        currency = parse_currency(statement.currency_code, "statement.currency_code")
        lines = statement_lines(_lines(statement), currency)
        sequence = await repo.lock_counter(session, org_id, year) + 1
        start, end = month_range(year, month)
        invoice = Invoice(
            id=0,
            org_id=org_id,
            number=invoice_number(year, sequence),
            status=Status.PENDING,
            source=Source.METERING,
            account_id=0,
            tenant_id=statement.tenant_id,
            client_name=statement.tenant_name or statement.tenant_id,
            client_address="",
            period_year=year,
            period_month=month,
            period_start=start,
            period_end=end,
            currency=currency,
            amount=total(lines),
            lines=lines,
        )
        issued_on = (
            statement.close_time.ToDatetime(UTC).date()
            if statement.HasField("close_time")
            else deps.today()
        )
        issue(invoice, Status.PENDING, issued_on, DEFAULT_PAYMENT_TERMS_DAYS)
        invoice.id = await repo.insert(session, invoice, sequence, statement.id)
        await repo.set_counter(session, org_id, year, sequence)
        await events.invoice_issued(session, invoice, deps.now())

    return handle
