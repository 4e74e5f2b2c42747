"""INVOICE_ISSUED and INVOICE_OVERDUE, added to the outbox in the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from costgrid.common.v1 import money_pb2
from costgrid.invoicing.v1 import events_pb2
from google.protobuf import timestamp_pb2
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.messaging import INVOICE_ISSUED, INVOICE_OVERDUE
from services.common.money import decimal_str
from services.common.outbox import add_event
from services.invoicing.domain.model import Invoice


def _time(moment: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _money(invoice: Invoice) -> money_pb2.Money:
    return money_pb2.Money(currency_code=invoice.currency, amount=decimal_str(invoice.amount))


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


async def invoice_issued(session: AsyncSession, invoice: Invoice, now: datetime) -> None:
    event_id = uuid.uuid4()
    message = events_pb2.InvoiceIssued(
        event_id=str(event_id),
        org_id=invoice.org_id,
        occurred_at=_time(now),
        invoice_id=invoice.id,
        number=invoice.number,
        account_id=invoice.account_id,
        tenant_id=invoice.tenant_id,
        client_name=invoice.client_name,
        amount=_money(invoice),
        issue_date=_iso(invoice.issue_date),
        due_date=_iso(invoice.due_date),
    )
    await add_event(session, INVOICE_ISSUED, message, invoice.org_id, event_id)


async def invoice_overdue(session: AsyncSession, invoice: Invoice, now: datetime) -> None:
    event_id = uuid.uuid4()
    days = (now.date() - invoice.due_date).days if invoice.due_date else 0
    message = events_pb2.InvoiceOverdue(
        event_id=str(event_id),
        org_id=invoice.org_id,
        occurred_at=_time(now),
        invoice_id=invoice.id,
        number=invoice.number,
        account_id=invoice.account_id,
        tenant_id=invoice.tenant_id,
        client_name=invoice.client_name,
        amount=_money(invoice),
        due_date=_iso(invoice.due_date),
        days_overdue=days,
    )
    await add_event(session, INVOICE_OVERDUE, message, invoice.org_id, event_id)
