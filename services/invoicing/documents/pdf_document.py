"""An invoice as a PDF a client would accept: who issues it and to whom, its number and
dates, the lines, the total, notes and how to pay. Built with reportlab's platypus.

Standard PDF fonts (Helvetica) keep the file small and its text extractable; they cover
Latin-1, which is what most invoice data is in.
"""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from services.invoicing.documents.formatting import (
    SOURCE_LABEL,
    amount,
    day,
    decimal_text,
    period,
    status_note,
)
from services.invoicing.domain.model import Invoice, IssuerProfile, Status

_BASE = getSampleStyleSheet()
_TEXT = ParagraphStyle("text", parent=_BASE["Normal"], fontSize=9.5, leading=12.5)
_SMALL = ParagraphStyle("small", parent=_TEXT, fontSize=8.5, leading=11, textColor=colors.grey)
_RIGHT = ParagraphStyle("right", parent=_TEXT, alignment=TA_RIGHT)
_ISSUER = ParagraphStyle("issuer", parent=_TEXT, fontName="Helvetica-Bold", fontSize=15, leading=19)
_TITLE = ParagraphStyle("title", parent=_ISSUER, fontSize=22, leading=26, alignment=TA_RIGHT)
_LABEL = ParagraphStyle("label", parent=_TEXT, fontName="Helvetica-Bold", fontSize=9.5)
_BANNER = ParagraphStyle("banner", parent=_LABEL, textColor=colors.HexColor("#b03a2e"))
_PAID = ParagraphStyle("paid", parent=_LABEL, textColor=colors.HexColor("#1e7b34"))
_ACCENT = colors.HexColor("#1f4e79")
# The frame keeps 6pt of padding on each side of the margins.
_WIDTH = A4[0] - 36 * mm - 12


def _text(value: str, style: ParagraphStyle = _TEXT) -> Paragraph:
    return Paragraph(escape(value).replace("\n", "<br/>"), style)


def _header(invoice: Invoice, issuer: IssuerProfile) -> Table:
    contact = [issuer.address, issuer.email, f"Tax ID: {issuer.tax_id}" if issuer.tax_id else ""]
    left = [
        _text(issuer.name or invoice.org_id, _ISSUER),
        _text("\n".join(c for c in contact if c)),
    ]
    facts = [
        ("Invoice number", invoice.number),
        ("Issue date", day(invoice.issue_date) or "not issued"),
        ("Due date", day(invoice.due_date) or "-"),
        ("Billing period", period(invoice)),
    ]
    grid = Table(
        [[_text(k, _LABEL), _text(v, _RIGHT)] for k, v in facts],
        colWidths=[32 * mm, 48 * mm],
        style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)],
    )
    right = [_text("INVOICE", _TITLE), Spacer(1, 3 * mm), grid]
    return Table(
        [[left, right]],
        colWidths=[_WIDTH - 82 * mm, 82 * mm],
        style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)],
    )


def _client(invoice: Invoice) -> list[Flowable]:
    reference = (
        f"Cloud account {invoice.account_id}"
        if invoice.account_id
        else f"Tenant {invoice.tenant_id}"
    )
    lines = [invoice.client_name, invoice.client_address]
    return [
        _text("BILL TO", _SMALL),
        _text("\n".join(x for x in lines if x), _LABEL),
        _text(f"{SOURCE_LABEL[invoice.source.value]} - {reference}", _SMALL),
    ]


def _lines_table(invoice: Invoice) -> Table:
    cur = invoice.currency
    # Cloud cost lines have no quantities: their columns stay unlabelled rather than empty.
    priced = any(line.quantity is not None or line.unit_price is not None for line in invoice.lines)
    head = ["Quantity", "Unit price"] if priced else ["", ""]
    rows: list[list[object]] = [["Description", *head, f"Amount ({cur})"]]
    for line in invoice.charges:
        quantity = " ".join(x for x in (decimal_text(line.quantity), line.unit) if x)
        rows.append(
            [
                _text(line.description),
                quantity,
                decimal_text(line.unit_price),
                amount(line.amount, cur),
            ]
        )
    if invoice.adjustments:
        subtotal = sum((line.amount for line in invoice.charges), Decimal(0))
        rows.append(["", "", "Subtotal", amount(subtotal, cur)])
        rows += [
            ["", "", line.description, amount(line.amount, cur)] for line in invoice.adjustments
        ]
    rows.append(["", "", "Total due", f"{amount(invoice.amount, cur)} {cur}"])
    last, first_summary = len(rows) - 1, len(invoice.charges) + 1
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9.5),
            ("FONT", (0, 1), (-1, -1), "Helvetica", 9.5),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("BACKGROUND", (0, 0), (-1, 0), _ACCENT),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 1), (-1, first_summary - 1), 0.25, colors.lightgrey),
            ("LINEABOVE", (2, first_summary), (-1, first_summary), 0.8, colors.black),
            ("FONT", (2, last), (-1, last), "Helvetica-Bold", 11),
            ("LINEABOVE", (2, last), (-1, last), 0.8, colors.black),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
    )
    widths = [_WIDTH - 110 * mm, 32 * mm, 34 * mm, 44 * mm]
    return Table(rows, colWidths=widths, style=style, repeatRows=1)


def render_pdf(invoice: Invoice, issuer: IssuerProfile) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"Invoice {invoice.number}",
        author=issuer.name or invoice.org_id,
        invariant=1,
    )
    story: list[Flowable] = [_header(invoice, issuer), Spacer(1, 9 * mm), *_client(invoice)]
    if note := status_note(invoice):
        style = _PAID if invoice.status is Status.PAID else _BANNER
        story += [Spacer(1, 4 * mm), _text(note, style)]
    story += [Spacer(1, 6 * mm), _lines_table(invoice)]
    if invoice.notes:
        story += [Spacer(1, 7 * mm), _text("NOTES", _SMALL), _text(invoice.notes)]
    if issuer.payment_instructions:
        story += [
            Spacer(1, 7 * mm),
            _text("PAYMENT", _SMALL),
            _text(issuer.payment_instructions),
        ]
    story += [Spacer(1, 7 * mm), _text(f"Please quote {invoice.number} with your payment.", _SMALL)]
    doc.build(story)
    return out.getvalue()
