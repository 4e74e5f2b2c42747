"""Reading one Cost Management query result page (REST JSON) into cost line items.

The page arrives as raw bytes and is parsed with `parse_float=Decimal`, so a cost such as
19.545363672276512 is never a binary float at any point (see azure.py for why).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from services.ingest.connectors.base import ProviderResponseError
from services.ingest.domain.cost_items import CostLineItem, DateWindow

PROVIDER_NAME = "Microsoft"
_COST_COLUMNS = ("Cost", "PreTaxCost")
_REQUIRED = ("UsageDate", "ServiceName", "ResourceLocation", "Currency")


@dataclass(frozen=True)
class QueryPage:
    rows: list[list[Any]]
    columns: list[str]
    next_link: str | None


def parse_page(raw: bytes) -> QueryPage:
    try:
        doc = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProviderResponseError(f"Azure query result is not valid JSON: {exc}") from exc
    props = doc.get("properties") if isinstance(doc, dict) else None
    if not isinstance(props, dict):
        raise ProviderResponseError("Azure query result has no 'properties' object")
    columns, rows = props.get("columns"), props.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise ProviderResponseError("Azure query result lacks 'columns' or 'rows'")
    names: list[str] = []
    for column in columns:
        name = column.get("name") if isinstance(column, dict) else None
        if not isinstance(name, str):
            raise ProviderResponseError(f"Azure query result has a column without a name: {column}")
        names.append(name)
    next_link = props.get("nextLink")
    return QueryPage(rows=rows, columns=names, next_link=next_link or None)


def skiptoken_of(next_link: str) -> str:
    query = parse_qs(urlsplit(next_link).query)
    for key, values in query.items():
        if key.lstrip("$").lower() == "skiptoken" and values and values[0]:
            return values[0]
    raise ProviderResponseError(f"Azure nextLink carries no $skiptoken: {next_link}")


def subscription_of(scope: str) -> str:
    """The subscription id of a subscription (or resource group) scope, else ""."""
    parts = [p for p in scope.split("/") if p]
    if len(parts) >= 2 and parts[0].lower() == "subscriptions":
        return parts[1]
    return ""


def items_of(page: QueryPage, window: DateWindow, sub_account_id: str) -> Iterator[CostLineItem]:
    index = _column_index(page.columns)
    width = len(page.columns)
    for number, row in enumerate(page.rows, start=1):
        if not isinstance(row, list) or len(row) != width:
            raise ProviderResponseError(
                f"Azure query row {number} has {len(row) if isinstance(row, list) else 'no'} "
                f"values for {width} columns"
            )
        day = _usage_day(row[index["UsageDate"]], number)
        if not window.start <= day <= window.end:
            continue  # never hand back days outside the asked window
        cost = _amount(row[index["Cost"]], number)
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        yield CostLineItem(
            charge_period_start=start,
            charge_period_end=start + timedelta(days=1),
            billed_cost=cost,
            # ActualCost carries no amortization; billed is the best effective figure we have.
            effective_cost=cost,
            billing_currency=_text(row[index["Currency"]], "Currency", number).upper(),
            service_name=_text(row[index["ServiceName"]], "ServiceName", number),
            region_id=_text(row[index["ResourceLocation"]], "ResourceLocation", number),
            sub_account_id=sub_account_id,
            provider_name=PROVIDER_NAME,
        )


def _column_index(columns: Sequence[str]) -> dict[str, int]:
    lowered = {name.lower(): i for i, name in enumerate(columns)}
    index: dict[str, int] = {}
    missing = [name for name in _REQUIRED if name.lower() not in lowered]
    for name in _REQUIRED:
        if name.lower() in lowered:
            index[name] = lowered[name.lower()]
    cost = next((lowered[c.lower()] for c in _COST_COLUMNS if c.lower() in lowered), None)
    if cost is None:
        missing.append("Cost (or PreTaxCost)")
    else:
        index["Cost"] = cost
    if missing:
        raise ProviderResponseError(
            f"Azure query result lacks column(s) {', '.join(missing)}; got {list(columns)}"
        )
    return index


def _usage_day(value: Any, number: int) -> date:
    # UsageDate is a JSON number like 20240114; accept its string form too.
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError(text)
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise ProviderResponseError(
            f"Azure query row {number} has UsageDate {value!r}, expected yyyymmdd"
        ) from None


def _amount(value: Any, number: int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ProviderResponseError(f"Azure query row {number} has cost {value!r}, not a number")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ProviderResponseError(f"Azure query row {number} has cost {value!r}")
    return amount


def _text(value: Any, column: str, number: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ProviderResponseError(f"Azure query row {number} has {column} {value!r}, not text")
    return value
