"""Invoice documents: the PDF shows what a client needs; the CSV reconciles to the total."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from services.invoicing.documents.csv_document import HEADER, render_csv
from services.invoicing.documents.pdf_document import render_pdf
from services.invoicing.domain.model import Invoice, IssuerProfile, Line, Source, Status
from tests.unit.invoicing.pdf_text import pdf_text

ISSUER = IssuerProfile(
    name="Cloudwise Consulting Ltd",
    address="12 Harbour Street\nBristol BS1 4RN",
    email="billing@cloudwise.example",
    tax_id="GB 123 4567 89",
    payment_instructions="IBAN GB33 BUKB 2020 1555 5555 55, reference the invoice number",
)


def _invoice(**changes) -> Invoice:
    values = dict(
        id=7, org_id="org-1", number="INV-2026-0042", status=Status.PENDING,
        source=Source.CLOUD_COSTS, account_id=3, tenant_id="", client_name="Globex (Europe) GmbH",
        client_address="Hauptstr. 1\n10115 Berlin", period_year=2026, period_month=2,
        period_start=date(2026, 2, 1), period_end=date(2026, 2, 28), currency="EUR",
        amount=Decimal("1384.08"), notes="Thank you for your business.",
        issue_date=date(2026, 3, 1), due_date=date(2026, 3, 31),
        lines=[
            Line("Amazon EC2", "Amazon EC2", Decimal("1200.05")),
            Line("Amazon S3", "Amazon S3", Decimal("58.20")),
            Line("Markup 10%", "markup", Decimal("125.83"), Decimal("1258.25"), "EUR", Decimal("0.1")),
        ],
    )  # fmt: skip
    values.update(changes)
    return Invoice(**values)


def _edited(amount: str, **changes) -> Invoice:
    """An invoice whose total was then set by hand, as UpdateInvoice does."""
    invoice = _invoice(**changes)
    invoice.set_amount(Decimal(amount))
    return invoice


def test_pdf_shows_issuer_client_number_dates_lines_total_and_notes():
    content = render_pdf(_invoice(), ISSUER)

    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for expected in (
        "Cloudwise Consulting Ltd", "Tax ID: GB 123 4567 89", "Globex (Europe) GmbH",
        "Hauptstr. 1", "INV-2026-0042", "2026-03-01", "2026-03-31",
        "2026-02-01 to 2026-02-28", "Amazon EC2", "1,200.05", "Markup 10%", "125.83",
        "1,384.08 EUR", "Thank you for your business.", "IBAN GB33",
    ):  # fmt: skip
        assert expected in text, expected


def test_pdf_marks_drafts_and_paid_invoices_and_shows_a_manual_adjustment():
    draft = pdf_text(
        render_pdf(_invoice(status=Status.DRAFT, issue_date=None, due_date=None), ISSUER)
    )
    paid = pdf_text(
        render_pdf(
            _edited("1300", status=Status.PAID, paid_at=datetime(2026, 3, 20, tzinfo=UTC)),
            ISSUER,
        )
    )
    assert "DRAFT" in draft and "not issued" in draft
    assert "PAID on 2026-03-20" in paid
    assert "Adjustment" in paid and "-84.08" in paid and "1,300.00 EUR" in paid


def test_pdf_renders_the_same_bytes_for_the_same_invoice():
    assert render_pdf(_invoice(), ISSUER) == render_pdf(_invoice(), ISSUER)


def test_csv_has_a_row_per_line_and_a_total_that_reconciles():
    rows = list(csv.DictReader(io.StringIO(render_csv(_invoice()).decode())))

    assert list(rows[0]) == list(HEADER)
    assert [r["description"] for r in rows] == ["Amazon EC2", "Amazon S3", "Markup 10%", "Total"]
    assert all(r["invoice_number"] == "INV-2026-0042" for r in rows)
    line_sum = sum(Decimal(r["amount"]) for r in rows[:-1])
    assert rows[-1]["amount"] == "1384.08" == str(line_sum)
    assert (rows[2]["quantity"], rows[2]["unit_price"]) == ("1258.25", "0.1")


def test_csv_adds_an_adjustment_row_when_the_amount_was_set_by_hand():
    rows = list(csv.DictReader(io.StringIO(render_csv(_edited("1000")).decode())))
    assert [(r["category"], r["amount"]) for r in rows[-2:]] == [
        ("adjustment", "-384.08"),
        ("total", "1000.00"),
    ]


def test_a_total_set_by_hand_twice_keeps_one_adjustment_and_lines_that_sum_to_it():
    invoice = _edited("1000")
    invoice.set_amount(Decimal("1400.50"))

    assert [line.description for line in invoice.lines][-1:] == ["Adjustment"]
    assert len(invoice.adjustments) == 1
    assert sum(line.amount for line in invoice.lines) == invoice.amount == Decimal("1400.50")
    invoice.set_amount(Decimal("1384.08"))
    assert invoice.adjustments == []
