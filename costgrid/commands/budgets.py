"""costgrid budgets"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer

from costgrid.client import CliError
from costgrid.options import PageSize, PageToken
from costgrid.output import Output, OutputOption, emit, next_page
from costgrid.session import client

app = typer.Typer(help="Budgets: list, add, status.", no_args_is_help=True)
COLUMNS = ["id", "name", "amount", "period", "alert_threshold_percent", "scope.account_ids"]


def decimal(text: str, option: str) -> Decimal:
    """Exact, as typed: never through a float."""
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CliError(f"{option} must be a decimal number, not {text!r}") from exc
    if not value.is_finite():
        raise CliError(f"{option} must be a decimal number, not {text!r}")
    return value


@app.command("list")
def list_budgets(
    page_size: PageSize = None,
    page_token: PageToken = None,
    output: OutputOption = Output.table,
) -> None:
    """The organization's budgets.

    Example: costgrid budgets list --output json
    """
    body = client().get("/budgets", page_size=page_size, page_token=page_token)
    emit(body, output, body.get("budgets") or [], COLUMNS)
    next_page(body)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The budget's name.")],
    amount: Annotated[str, typer.Option(help="Limit per period, exact decimal, e.g. 1500.00.")],
    currency: Annotated[str, typer.Option(help="ISO 4217 code.")] = "USD",
    period: Annotated[str, typer.Option(help="monthly, quarterly or yearly.")] = "monthly",
    threshold: Annotated[
        str | None, typer.Option(help="Alert at this percent of the amount, e.g. 80.")
    ] = None,
    account: Annotated[
        list[int] | None, typer.Option(help="Only this account's spend; repeat for several.")
    ] = None,
    service: Annotated[
        list[str] | None, typer.Option(help="Only this service's spend; repeat for several.")
    ] = None,
    alert_on_forecast: Annotated[
        bool, typer.Option(help="Also alert when the projection crosses the threshold.")
    ] = False,
    output: OutputOption = Output.table,
) -> None:
    """Create a budget.

    Example: costgrid budgets add "Prod AWS" --amount 1500 --period monthly --threshold 80 --account 1
    """
    body: dict[str, Any] = {
        "name": name,
        "amount": {"amount": decimal(amount, "--amount"), "currency": currency},
        "period": period,
        "alert_on_forecast": alert_on_forecast,
    }
    if threshold is not None:
        body["alert_threshold_percent"] = decimal(threshold, "--threshold")
    scope: dict[str, Any] = {}
    if account:
        scope["account_ids"] = account
    if service:
        scope["services"] = service
    if scope:
        body["scope"] = scope
    emit(client().call("POST", "/budgets", body=body), output, columns=COLUMNS)


@app.command("status")
def status(
    budget_id: Annotated[int, typer.Argument(help="The budget's id.")],
    as_of_date: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
    output: OutputOption = Output.table,
) -> None:
    """Spent, remaining, burn rate and projection of a budget's current period.

    Example: costgrid budgets status 1
    """
    body = client().get(f"/budgets/{budget_id}/status", as_of_date=as_of_date)
    emit(body, output)
