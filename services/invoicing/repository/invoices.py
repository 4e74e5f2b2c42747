"""Every SQL statement on invoices, their lines and number counters. Scoped by org always."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.invoicing.domain.model import Invoice, Line, Source, Status

_COLUMNS = (
    "id, org_id, number, status, source, account_id, tenant_id, client_name, client_address, "
    "period_year, period_month, period_start, period_end, currency, amount, notes, issue_date, "
    "due_date, paid_at, created_at, updated_at"
)


@dataclass(frozen=True)
class ListFilter:
    account_id: int = 0
    status: Status | None = None
    period_year: int = 0
    period_month: int = 0


def _invoice(row: Row[Any]) -> Invoice:
    return Invoice(
        id=row.id,
        org_id=row.org_id,
        number=row.number,
        status=Status(row.status),
        source=Source(row.source),
        account_id=row.account_id,
        tenant_id=row.tenant_id,
        client_name=row.client_name,
        client_address=row.client_address,
        period_year=row.period_year,
        period_month=row.period_month,
        period_start=row.period_start,
        period_end=row.period_end,
        currency=row.currency,
        amount=row.amount,
        notes=row.notes,
        issue_date=row.issue_date,
        due_date=row.due_date,
        paid_at=row.paid_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def _with_lines(session: AsyncSession, invoice: Invoice) -> Invoice:
    rows = await session.execute(
        text(
            "SELECT description, category, quantity, unit, unit_price, amount, adjustment "
            "FROM invoice_lines WHERE invoice_id = :id ORDER BY position"
        ),
        {"id": invoice.id},
    )
    invoice.lines = [
        Line(r.description, r.category, r.amount, r.quantity, r.unit, r.unit_price, r.adjustment)
        for r in rows
    ]
    return invoice


async def get(
    session: AsyncSession, org_id: str, invoice_id: int, lock: bool = False
) -> Invoice | None:
    suffix = " FOR UPDATE" if lock else ""
    row = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM invoices WHERE org_id = :o AND id = :id{suffix}"),
            {"o": org_id, "id": invoice_id},
        )
    ).first()
    return await _with_lines(session, _invoice(row)) if row else None


async def find_cloud(
    session: AsyncSession, org_id: str, account_id: int, year: int, month: int, currency: str
) -> Invoice | None:
    """Locked, so concurrent generations recalculate one after the other."""
    row = (
        await session.execute(
            text(
                f"SELECT {_COLUMNS} FROM invoices WHERE org_id = :o AND source = 'CLOUD_COSTS' "
                "AND account_id = :a AND period_year = :y AND period_month = :m AND currency = :c "
                "FOR UPDATE"
            ),
            {"o": org_id, "a": account_id, "y": year, "m": month, "c": currency},
        )
    ).first()
    return await _with_lines(session, _invoice(row)) if row else None


async def find_by_statement(session: AsyncSession, org_id: str, statement_id: int) -> int | None:
    return (
        await session.execute(
            text("SELECT id FROM invoices WHERE org_id = :o AND metering_statement_id = :s"),
            {"o": org_id, "s": statement_id},
        )
    ).scalar_one_or_none()


async def cloud_drafts(
    session: AsyncSession, org_id: str, account_id: int
) -> list[tuple[int, int]]:
    """(id, period year) of the account's cloud-cost invoices not issued yet."""
    rows = await session.execute(
        text(
            "SELECT id, period_year FROM invoices WHERE org_id = :o AND account_id = :a "
            "AND source = 'CLOUD_COSTS' AND status = 'DRAFT' ORDER BY id"
        ),
        {"o": org_id, "a": account_id},
    )
    return [(r.id, r.period_year) for r in rows]


async def lock_counter(session: AsyncSession, org_id: str, year: int) -> int:
    """Locks the (org, year) counter until the transaction ends; returns the last number used.

    The lock serializes invoice creation per org and year, and the counter moves only with a
    committed invoice, so numbers have no gaps even when a transaction rolls back.
    """
    await session.execute(
        text("INSERT INTO invoice_counters (org_id, year) VALUES (:o, :y) ON CONFLICT DO NOTHING"),
        {"o": org_id, "y": year},
    )
    sequence: int = (
        await session.execute(
            text(
                "SELECT last_sequence FROM invoice_counters WHERE org_id = :o AND year = :y "
                "FOR UPDATE"
            ),
            {"o": org_id, "y": year},
        )
    ).scalar_one()
    return sequence


async def set_counter(session: AsyncSession, org_id: str, year: int, sequence: int) -> None:
    await session.execute(
        text("UPDATE invoice_counters SET last_sequence = :n WHERE org_id = :o AND year = :y"),
        {"o": org_id, "y": year, "n": sequence},
    )


async def insert(
    session: AsyncSession, invoice: Invoice, sequence: int, statement_id: int | None = None
) -> int:
    invoice_id: int = (
        await session.execute(
            text(
                "INSERT INTO invoices (org_id, number_year, number_sequence, number, status, source, "
                "account_id, tenant_id, metering_statement_id, client_name, client_address, "
                "period_year, period_month, period_start, period_end, currency, amount, notes, "
                "issue_date, due_date, paid_at) VALUES (:org_id, :period_year, :sequence, :number, "
                ":status, :source, :account_id, :tenant_id, :statement_id, :client_name, "
                ":client_address, :period_year, :period_month, :period_start, :period_end, "
                ":currency, :amount, :notes, :issue_date, :due_date, :paid_at) RETURNING id"
            ),
            {**_values(invoice), "sequence": sequence, "statement_id": statement_id},
        )
    ).scalar_one()
    await replace_lines(session, invoice_id, invoice.lines)
    return invoice_id


def _values(invoice: Invoice) -> dict[str, Any]:
    return {
        "org_id": invoice.org_id,
        "number": invoice.number,
        "status": invoice.status.value,
        "source": invoice.source.value,
        "account_id": invoice.account_id,
        "tenant_id": invoice.tenant_id,
        "client_name": invoice.client_name,
        "client_address": invoice.client_address,
        "period_year": invoice.period_year,
        "period_month": invoice.period_month,
        "period_start": invoice.period_start,
        "period_end": invoice.period_end,
        "currency": invoice.currency,
        "amount": invoice.amount,
        "notes": invoice.notes,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "paid_at": invoice.paid_at,
    }


async def replace_lines(session: AsyncSession, invoice_id: int, lines: Sequence[Line]) -> None:
    await session.execute(
        text("DELETE FROM invoice_lines WHERE invoice_id = :id"), {"id": invoice_id}
    )
    if not lines:
        return
    await session.execute(
        text(
            "INSERT INTO invoice_lines (invoice_id, position, description, category, quantity, "
            "unit, unit_price, amount, adjustment) VALUES (:id, :pos, :description, :category, "
            ":quantity, :unit, :unit_price, :amount, :adjustment)"
        ),
        [
            {
                "id": invoice_id,
                "pos": position,
                "description": line.description,
                "category": line.category,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "adjustment": line.adjustment,
            }
            for position, line in enumerate(lines)
        ],
    )


async def save(session: AsyncSession, invoice: Invoice) -> None:
    """Writes every mutable field of an existing invoice (lines only when given)."""
    await session.execute(
        text(
            "UPDATE invoices SET status = :status, client_name = :client_name, "
            "client_address = :client_address, amount = :amount, notes = :notes, "
            "issue_date = :issue_date, due_date = :due_date, paid_at = :paid_at, "
            "updated_at = now() WHERE org_id = :org_id AND id = :id"
        ),
        {**_values(invoice), "id": invoice.id},
    )


async def delete(session: AsyncSession, org_id: str, invoice_id: int) -> tuple[int, int] | None:
    """Returns the deleted invoice's (number year, sequence)."""
    row = (
        await session.execute(
            text(
                "DELETE FROM invoices WHERE org_id = :o AND id = :id "
                "RETURNING number_year, number_sequence"
            ),
            {"o": org_id, "id": invoice_id},
        )
    ).first()
    return (row.number_year, row.number_sequence) if row else None


async def list_page(
    session: AsyncSession, org_id: str, where: ListFilter, after_id: int | None, limit: int
) -> list[Invoice]:
    """Newest first, keyset on id."""
    clauses, params = ["org_id = :o"], {"o": org_id, "n": limit}
    for column, value in (
        ("account_id", where.account_id),
        ("period_year", where.period_year),
        ("period_month", where.period_month),
    ):
        if value:
            clauses.append(f"{column} = :{column}")
            params[column] = value
    if where.status:
        clauses.append("status = :status")
        params["status"] = where.status.value
    if after_id is not None:
        clauses.append("id < :after")
        params["after"] = after_id
    rows = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM invoices WHERE {' AND '.join(clauses)} ORDER BY id DESC LIMIT :n"
        ),
        params,
    )
    return [_invoice(row) for row in rows]


async def claim_past_due(session: AsyncSession, today: date, limit: int) -> list[Invoice]:
    """PENDING invoices past due, across orgs (a system task); SKIP LOCKED lets replicas share."""
    rows = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM invoices WHERE status = 'PENDING' AND due_date < :today "
            "ORDER BY due_date, id LIMIT :n FOR UPDATE SKIP LOCKED"
        ),
        {"today": today, "n": limit},
    )
    return [_invoice(row) for row in rows]


async def set_status(
    session: AsyncSession, org_id: str, invoice_id: int, status: Status, paid_at: datetime | None
) -> None:
    await session.execute(
        text(
            "UPDATE invoices SET status = :s, paid_at = :p, updated_at = now() "
            "WHERE org_id = :o AND id = :id"
        ),
        {"s": status.value, "p": paid_at, "o": org_id, "id": invoice_id},
    )
