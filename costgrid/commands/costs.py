"""costgrid costs (overview, trend), costgrid forecast and costgrid anomalies."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import typer

from costgrid.options import PageSize, PageToken
from costgrid.output import Output, OutputOption, emit, next_page
from costgrid.session import client
from costgrid.sparkline import sparkline

app = typer.Typer(help="What the organization spends: overview and trend.", no_args_is_help=True)
anomalies = typer.Typer(help="Unusual spend: list and dismiss.", no_args_is_help=True)

AsOf = Annotated[str | None, typer.Option(help="YYYY-MM-DD: answer as of that day.")]
ProviderId = Annotated[int | None, typer.Option(help="Only this cloud account.")]
FIGURES = ("current_month", "last_month", "daily_average", "month_end_forecast")
ANOMALY_COLUMNS = [
    "id", "date", "name", "service", "actual_amount", "expected_amount",
    "deviation_percent", "currency", "severity", "status",
]  # fmt: skip


@app.command("overview")
def overview(
    as_of_date: AsOf = None,
    currency: Annotated[str | None, typer.Option(help="Currency to answer in (ISO 4217).")] = None,
    output: OutputOption = Output.table,
) -> None:
    """This month, last month, the daily average and the month-end forecast.

    Example: costgrid costs overview --as-of-date 2024-09-30 --output json
    """
    body = client().get("/costs/overview", as_of_date=as_of_date, currency=currency)
    rows = [{"figure": name, **body[name]} for name in FIGURES if name in body]
    rows.append({"figure": "mom_change_percent", "amount": body.get("mom_change_percent")})
    emit(body, output, rows, ["figure", "amount", "currency", "from", "to"])


def trend_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per group (its total and a sparkline over the points), then the whole."""
    points = body.get("data") or []
    groups: dict[str, None] = {}
    for point in points:
        groups.update(dict.fromkeys(point.get("breakdown") or {}))
    currency = points[0]["currency"] if points else ""
    rows = []
    for group in groups:
        series = [Decimal((p.get("breakdown") or {}).get(group, 0)) for p in points]
        rows.append({"group": group, "total": sum(series), "currency": currency,
                     "trend": sparkline(series)})  # fmt: skip
    totals = [Decimal(p["amount"]) for p in points]
    rows.append({"group": "(all)", "total": sum(totals), "currency": currency,
                 "trend": sparkline(totals)})  # fmt: skip
    return rows


@app.command("trend")
def trend(
    days: Annotated[int, typer.Option(help="Days back (1-365).")] = 30,
    granularity: Annotated[str, typer.Option(help="day, week or month.")] = "day",
    group_by: Annotated[
        str, typer.Option(help="provider, provider_type, service, region, account, tag:KEY, none.")
    ] = "provider",
    provider_id: ProviderId = None,
    as_of_date: AsOf = None,
    output: OutputOption = Output.table,
) -> None:
    """Spend over time, broken down by a dimension; the table draws each group's sparkline.

    Example: costgrid costs trend --days 30 --granularity day --group-by service
    """
    body = client().get(
        "/costs/trend",
        days=days,
        granularity=granularity,
        group_by=group_by,
        provider_id=provider_id,
        as_of_date=as_of_date,
    )
    emit(body, output, trend_rows(body), ["group", "total", "currency", "trend"])


def forecast(
    days: Annotated[int, typer.Option(help="Days ahead.")] = 30,
    provider_id: ProviderId = None,
    confidence_level: Annotated[
        str | None, typer.Option(help="Interval's confidence, e.g. 0.8.")
    ] = None,
    currency: Annotated[str | None, typer.Option(help="Currency to answer in.")] = None,
    output: OutputOption = Output.table,
) -> None:
    """Projected spend per day with its interval, and the total.

    Example: costgrid forecast --days 30 --output csv
    """
    body = client().get(
        "/costs/forecast",
        days=days,
        provider_id=provider_id,
        confidence_level=confidence_level,
        currency=currency,
    )
    title = f"projected total {body.get('projected_total')} {body.get('currency')}"
    emit(body, output, body.get("daily") or [], ["date", "amount", "lower", "upper"], title)


@anomalies.command("list")
def list_anomalies(
    days: Annotated[int | None, typer.Option(help="Days back.")] = None,
    status: Annotated[str | None, typer.Option(help="open or dismissed.")] = None,
    provider_id: ProviderId = None,
    page_size: PageSize = None,
    page_token: PageToken = None,
    output: OutputOption = Output.table,
) -> None:
    """Anomalies found in the organization's spend, with their root causes (json).

    Example: costgrid anomalies list --days 60
    """
    body = client().get(
        "/costs/anomalies",
        days=days,
        status=status,
        provider_id=provider_id,
        page_size=page_size,
        page_token=page_token,
    )
    emit(body, output, body.get("data") or [], ANOMALY_COLUMNS)
    next_page(body)


@anomalies.command("dismiss")
def dismiss(
    anomaly_id: Annotated[int, typer.Argument(help="The anomaly's id.")],
    reason: Annotated[str, typer.Option(help="Why it is not a problem.")],
    output: OutputOption = Output.table,
) -> None:
    """Mark an anomaly as expected, with the reason.

    Example: costgrid anomalies dismiss 12 --reason "planned load test"
    """
    body = client().call("POST", f"/costs/anomalies/{anomaly_id}/dismiss", body={"reason": reason})
    emit(body, output, columns=ANOMALY_COLUMNS)


def register(root: typer.Typer) -> None:
    root.command()(forecast)
