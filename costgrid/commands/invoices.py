"""costgrid invoices"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from costgrid.options import PageSize, PageToken
from costgrid.output import Output, OutputOption, emit, next_page, note
from costgrid.session import client

app = typer.Typer(
    help="Invoices: generate, historical, list, mark-paid, download.", no_args_is_help=True
)
COLUMNS = ["id", "number", "status", "source", "account_id", "tenant_id", "client_name",
           "period_year", "period_month", "total"]  # fmt: skip
OUTCOME_COLUMNS = ["outcome", "account_id", "account_name", "period_year", "period_month",
                   "invoice.id", "invoice.number", "skip_reason", "detail"]  # fmt: skip


def outcome_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"outcome": kind, **item}
        for kind in ("created", "updated", "skipped")
        for item in body.get(kind) or []
    ]


@app.command("generate")
def generate(
    year: Annotated[int, typer.Option(help="The month's year.")],
    month: Annotated[int, typer.Option(help="1-12.")],
    overwrite: Annotated[bool, typer.Option(help="Redraft existing drafts.")] = False,
    output: OutputOption = Output.table,
) -> None:
    """Draft invoices of one month for every billable account.

    Example: costgrid invoices generate --year 2024 --month 9
    """
    body = client().call(
        "POST", "/invoices/generate", body={"year": year, "month": month, "overwrite": overwrite}
    )
    emit(body, output, outcome_rows(body), OUTCOME_COLUMNS)


@app.command("historical")
def historical(output: OutputOption = Output.table) -> None:
    """Draft invoices of every past month with costs that has none yet.

    Example: costgrid invoices historical --output csv
    """
    body = client().call("POST", "/invoices/generate-historical", body={})
    emit(body, output, outcome_rows(body), OUTCOME_COLUMNS)


@app.command("list")
def list_invoices(
    status: Annotated[str | None, typer.Option(help="draft, pending, paid or overdue.")] = None,
    account: Annotated[int | None, typer.Option(help="Only this account's.")] = None,
    year: Annotated[int | None, typer.Option(help="Period year.")] = None,
    month: Annotated[int | None, typer.Option(help="Period month.")] = None,
    page_size: PageSize = None,
    page_token: PageToken = None,
    output: OutputOption = Output.table,
) -> None:
    """The organization's invoices.

    Example: costgrid invoices list --status pending
    """
    body = client().get(
        "/invoices",
        status=status,
        account_id=account,
        period_year=year,
        period_month=month,
        page_size=page_size,
        page_token=page_token,
    )
    emit(body, output, body.get("invoices") or [], COLUMNS)
    next_page(body)


@app.command("mark-paid")
def mark_paid(
    invoice_id: Annotated[int, typer.Argument(help="The invoice's id.")],
    paid_time: Annotated[
        str | None, typer.Option(help="RFC 3339 time it was paid (default: now).")
    ] = None,
    output: OutputOption = Output.table,
) -> None:
    """Record that an invoice was paid.

    Example: costgrid invoices mark-paid 7 --paid-time 2024-10-15T09:00:00Z
    """
    body = {"paid_time": paid_time} if paid_time else {}
    answer = client().call("POST", f"/invoices/{invoice_id}/mark-paid", body=body)
    emit(answer, output, columns=COLUMNS)


@app.command("download")
def download(
    invoice_id: Annotated[int, typer.Argument(help="The invoice's id.")],
    pdf: Annotated[bool, typer.Option("--pdf/--csv", help="PDF (default) or CSV.")] = True,
    out: Annotated[
        Path | None, typer.Option(help="File to write (default invoice-ID.pdf).")
    ] = None,
) -> None:
    """Save an invoice's document.

    Example: costgrid invoices download 7 --pdf --out invoice-7.pdf
    """
    kind = "pdf" if pdf else "csv"
    response = client().send("GET", f"/invoices/{invoice_id}/document", params={"format": kind})
    target = out or Path(f"invoice-{invoice_id}.{kind}")
    target.write_bytes(response.content)
    note(f"wrote {target} ({len(response.content)} bytes)")
