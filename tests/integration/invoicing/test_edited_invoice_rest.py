"""An invoice whose amount is edited through the REST API: its lines, its total, its PDF and
its CSV all still agree, to the cent."""

import csv
import io
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import httpx
import pytest

from services.common.settings import Settings
from tests.support.gateway_stack import Stack, gateway_stack
from tests.support.ingest_cost_rollups import Costs, Row, new_org
from tests.unit.invoicing.pdf_text import pdf_text


@pytest.fixture(scope="module")
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async with gateway_stack(settings) as running:
        yield running


async def _issued_invoice(stack: Stack) -> tuple[httpx.AsyncClient, int]:
    """A September 2024 invoice of 812.33 + 120.01 USD for a fresh organization."""
    org = new_org()
    costs = Costs(stack.services["ingest"].runtime.db, org)
    account = await costs.account("Initech")
    await costs.rollups(
        Row(account, date(2024, 9, 5), "812.3349", service="Amazon EC2"),
        Row(account, date(2024, 9, 6), "120.005", service="Amazon RDS"),
    )
    client = stack.http(await stack.create_token(org, "admin"))
    generated = await client.post("/api/v1/invoices/generate", json={"year": 2024, "month": 9})
    assert generated.status_code == 200, generated.text
    return client, generated.json()["created"][0]["invoice"]["id"]


def _amount(value: dict) -> Decimal:
    return Decimal(str(value["amount"]))


async def _edit(client: httpx.AsyncClient, invoice_id: int, amount: str) -> dict:
    response = await client.patch(
        f"/api/v1/invoices/{invoice_id}", json={"amount": {"amount": amount, "currency": "USD"}}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_edited_amount_shows_as_an_adjustment_line_in_rest_pdf_and_csv(stack):
    client, invoice_id = await _issued_invoice(stack)
    edited = await _edit(client, invoice_id, "900.00")
    read = (await client.get(f"/api/v1/invoices/{invoice_id}")).json()
    pdf = await client.get(f"/api/v1/invoices/{invoice_id}/document", params={"format": "pdf"})
    sheet = await client.get(f"/api/v1/invoices/{invoice_id}/document", params={"format": "csv"})

    assert read == edited
    lines = [(line["description"], _amount(line["amount"])) for line in read["lines"]]
    assert lines == [
        ("Amazon EC2", Decimal("812.33")),
        ("Amazon RDS", Decimal("120.01")),
        ("Adjustment", Decimal("-32.34")),
    ]
    assert sum(amount for _, amount in lines) == _amount(read["amount"]) == Decimal("900.00")
    rows = list(csv.DictReader(io.StringIO(sheet.text)))
    assert [(r["description"], Decimal(r["amount"])) for r in rows] == [
        *lines,
        ("Total", Decimal("900.00")),
    ]
    summary = ["Subtotal", "932.34", "Adjustment", "-32.34", "Total due", "900.00 USD"]
    assert [shown for shown in pdf_text(pdf.content).splitlines() if shown in summary] == summary


async def test_editing_again_replaces_the_adjustment_and_editing_back_removes_it(stack):
    client, invoice_id = await _issued_invoice(stack)
    await _edit(client, invoice_id, "900.00")
    again = await _edit(client, invoice_id, "1000.50")
    back = await _edit(client, invoice_id, "932.34")

    adjustments = [line for line in again["lines"] if line["category"] == "adjustment"]
    assert [_amount(line["amount"]) for line in adjustments] == [Decimal("68.16")]
    assert sum(_amount(line["amount"]) for line in again["lines"]) == Decimal("1000.50")
    assert [line["description"] for line in back["lines"]] == ["Amazon EC2", "Amazon RDS"]
    assert _amount(back["amount"]) == Decimal("932.34")
