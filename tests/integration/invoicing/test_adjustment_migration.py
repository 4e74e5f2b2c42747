"""Migration 0003 on invoices edited before it: each gets the adjustment line its documents
showed, so its stored lines sum to its amount; untouched invoices keep their lines."""

from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import pytest
from sqlalchemy import make_url, text

from services.common import migrations, provisioning
from services.common.db import Database
from services.common.settings import Settings

_INVOICE = (
    "INSERT INTO invoices (org_id, number_year, number_sequence, number, status, source, "
    "account_id, client_name, period_year, period_month, period_start, period_end, currency, "
    "amount) VALUES ('org-1', 2026, :n, :number, 'DRAFT', 'CLOUD_COSTS', :account, 'Initech', 2026, 2, "
    "'2026-02-01', '2026-02-28', 'USD', :amount) RETURNING id"
)
_LINE = (
    "INSERT INTO invoice_lines (invoice_id, position, description, category, amount) "
    "VALUES (:id, :pos, :d, :d, :amount)"
)


@pytest.fixture
async def at_0002(settings: Settings) -> AsyncIterator[Database]:
    """The invoicing schema at revision 0002, in a database of its own."""
    url = make_url(settings.database_url)
    own = settings.model_copy(
        update={"database_url": url.set(database=f"{url.database}_mig").render_as_string(False)}
    )
    await provisioning.ensure_database(own)
    await provisioning.ensure_service_schema(own, "invoicing")
    db = Database.for_service(own, "invoicing")
    await migrations.upgrade(db, "invoicing", "0002")
    yield db
    await db.dispose()
    admin = url.set(database="postgres", drivername="postgresql").render_as_string(False)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE "{url.database}_mig" WITH (FORCE)')
    finally:
        await conn.close()


async def _invoice(session, n: int, amount: str, lines: list[str]) -> int:
    number = f"INV-2026-{n:04d}"
    params = {"n": n, "account": n, "number": number, "amount": Decimal(amount)}
    invoice_id = (await session.execute(text(_INVOICE), params)).scalar_one()
    for pos, line in enumerate(lines):
        params = {"id": invoice_id, "pos": pos, "d": f"s{pos}", "amount": Decimal(line)}
        await session.execute(text(_LINE), params)
    return int(invoice_id)


async def test_an_invoice_edited_before_0003_gets_its_adjustment_line(at_0002):
    async with at_0002.transaction() as session:
        edited = await _invoice(session, 1, "900.00", ["812.33", "120.01"])
        computed = await _invoice(session, 2, "932.34", ["812.33", "120.01"])

    await migrations.upgrade(at_0002, "invoicing")

    async with at_0002.transaction() as session:
        rows = await session.execute(
            text(
                "SELECT invoice_id, position, category, amount, adjustment FROM invoice_lines "
                "ORDER BY invoice_id, position"
            )
        )
        lines = [tuple(row) for row in rows]
    assert lines == [
        (edited, 0, "s0", Decimal("812.33"), False),
        (edited, 1, "s1", Decimal("120.01"), False),
        (edited, 2, "adjustment", Decimal("-32.34"), True),
        (computed, 0, "s0", Decimal("812.33"), False),
        (computed, 1, "s1", Decimal("120.01"), False),
    ]
