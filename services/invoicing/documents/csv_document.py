"""An invoice as CSV: one row per line (an amount set by hand has its adjustment line) and a
total row; invoice details repeat on every row so each row stands alone."""

from __future__ import annotations

import csv
import io

from services.invoicing.documents.formatting import day, decimal_text, plain_amount
from services.invoicing.domain.model import Invoice

HEADER = (
    "invoice_number",
    "status",
    "client",
    "period_start",
    "period_end",
    "issue_date",
    "due_date",
    "currency",
    "description",
    "category",
    "quantity",
    "unit",
    "unit_price",
    "amount",
)


def render_csv(invoice: Invoice) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    head = [
        invoice.number,
        invoice.status.value,
        invoice.client_name,
        invoice.period_start.isoformat(),
        invoice.period_end.isoformat(),
        day(invoice.issue_date),
        day(invoice.due_date),
        invoice.currency,
    ]
    for line in invoice.lines:
        writer.writerow(
            [
                *head,
                line.description,
                line.category,
                decimal_text(line.quantity),
                line.unit,
                decimal_text(line.unit_price),
                plain_amount(line.amount, invoice.currency),
            ]
        )
    total = plain_amount(invoice.amount, invoice.currency)
    writer.writerow([*head, "Total", "total", "", "", "", total])
    return out.getvalue().encode("utf-8")
