"""GetInvoiceDocument over gRPC: a PDF and a CSV of a stored invoice with its issuer."""

import csv
import io
from datetime import date

import grpc
import pytest
from costgrid.invoicing.v1 import service_pb2 as pb

from tests.unit.invoicing.pdf_text import pdf_text


async def _invoice(api, ingest_data, org):
    account = ingest_data.add_account(org, "Initech")
    ingest_data.add_cost(org, account, date(2026, 2, 5), "Amazon EC2", "812.3349")
    ingest_data.add_cost(org, account, date(2026, 2, 6), "Amazon RDS", "120.005")
    await api(org).SetIssuerProfile(
        pb.SetIssuerProfileRequest(
            profile=pb.IssuerProfile(
                name="Cloudwise Consulting Ltd",
                address="12 Harbour Street\nBristol",
                payment_instructions="Sort code 20-00-00, account 12345678",
            )
        )
    )
    report = await api(org).GenerateInvoices(pb.GenerateInvoicesRequest(year=2026, month=2))
    return report.created[0].invoice


def _document(api, org, invoice_id, fmt, role="viewer"):
    return api(org, role).GetInvoiceDocument(
        pb.GetInvoiceDocumentRequest(invoice_id=invoice_id, format=fmt)
    )


async def test_a_viewer_downloads_the_pdf_with_issuer_number_lines_and_total(api, ingest_data, org):
    invoice = await _invoice(api, ingest_data, org)

    document = await _document(api, org, invoice.id, pb.DOCUMENT_FORMAT_PDF)

    assert (document.content_type, document.filename) == ("application/pdf", "INV-2026-0001.pdf")
    assert document.content.startswith(b"%PDF-")
    text = pdf_text(document.content)
    for expected in (
        "Cloudwise Consulting Ltd",
        "Initech",
        "INV-2026-0001",
        "2026-03-15",
        "2026-04-14",
        "Amazon EC2",
        "812.33",
        "120.01",
        "932.34 USD",
        "Sort code 20-00-00",
    ):
        assert expected in text, expected


async def test_the_csv_lists_each_line_and_the_total(api, ingest_data, org):
    invoice = await _invoice(api, ingest_data, org)

    document = await _document(api, org, invoice.id, pb.DOCUMENT_FORMAT_CSV)

    assert (document.content_type, document.filename) == ("text/csv", "INV-2026-0001.csv")
    rows = list(csv.DictReader(io.StringIO(document.content.decode())))
    assert [(r["description"], r["amount"]) for r in rows] == [
        ("Amazon EC2", "812.33"),
        ("Amazon RDS", "120.01"),
        ("Total", "932.34"),
    ]


async def test_an_unspecified_format_is_invalid(api, ingest_data, org):
    invoice = await _invoice(api, ingest_data, org)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await _document(api, org, invoice.id, pb.DOCUMENT_FORMAT_UNSPECIFIED)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
