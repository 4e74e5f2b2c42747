"""GetInvoiceDocument: an invoice with its issuer, rendered as PDF or CSV."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.caller import current_caller
from services.common.errors import InvalidArgument
from services.invoicing.deps import Deps
from services.invoicing.documents.csv_document import render_csv
from services.invoicing.documents.formatting import filename
from services.invoicing.documents.pdf_document import render_pdf
from services.invoicing.handlers.invoices import get_invoice
from services.invoicing.repository import billing_settings as settings_repo


@dataclass(frozen=True)
class Document:
    content: bytes
    content_type: str
    filename: str


async def invoice_document(deps: Deps, invoice_id: int, fmt: str) -> Document:
    if fmt not in ("pdf", "csv"):
        raise InvalidArgument("format", "must be DOCUMENT_FORMAT_PDF or DOCUMENT_FORMAT_CSV")
    invoice = await get_invoice(deps, invoice_id)
    if fmt == "csv":
        return Document(render_csv(invoice), "text/csv", filename(invoice, "csv"))
    async with deps.db.transaction() as session:
        issuer = await settings_repo.issuer_profile(session, current_caller().org_id)
    return Document(render_pdf(invoice, issuer), "application/pdf", filename(invoice, "pdf"))
