"""Reading Cost Explorer GetCostAndUsage answers into line items; pure, no I/O.

Every shape check raises ProviderResponseError naming what was wrong, so a changed or
broken answer fails the sync loudly instead of storing wrong money.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from services.ingest.connectors.base import ProviderResponseError
from services.ingest.domain.cost_items import CostLineItem, DateWindow

PROVIDER_NAME = "AWS"
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# Cost Explorer's REGION value for charges that have no region (tax, support, ...).
_NO_REGION = "NoRegion"


def results_by_time(page: Any) -> list[Mapping[str, Any]]:
    if not isinstance(page, Mapping) or not isinstance(page.get("ResultsByTime"), list):
        raise ProviderResponseError("Cost Explorer answer has no 'ResultsByTime' list")
    rows: list[Mapping[str, Any]] = page["ResultsByTime"]
    return rows


def account_names(page: Mapping[str, Any]) -> dict[str, str]:
    """Linked account id -> name, from DimensionValueAttributes' `description`."""
    names: dict[str, str] = {}
    for entry in page.get("DimensionValueAttributes") or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("Value"), str):
            attributes = entry.get("Attributes") or {}
            names[entry["Value"]] = str(attributes.get("description", ""))
    return names


def group_keys(page: Mapping[str, Any], width: int) -> Iterator[list[str]]:
    """The Keys of every group in the page, each checked to hold `width` strings."""
    for result in results_by_time(page):
        for group in _groups(result):
            yield _keys(group, width)


def line_items(
    page: Mapping[str, Any],
    metric: str,
    window: DateWindow,
    account_id: str,
    account_name: str,
) -> Iterator[CostLineItem]:
    """Rows of one page of a DAILY query grouped by SERVICE then REGION."""
    for result in results_by_time(page):
        day = _day(result, window)
        provisional = result.get("Estimated") is True
        for group in _groups(result):
            service, region = _keys(group, 2)
            amount, currency = metric_value(group, metric)
            if amount == 0:
                continue
            yield _item(
                day, amount, currency, service, region, account_id, account_name, provisional
            )


def metric_value(holder: Mapping[str, Any], metric: str) -> tuple[Decimal, str]:
    value = (holder.get("Metrics") or {}).get(metric)
    if not isinstance(value, Mapping):
        raise ProviderResponseError(f"Cost Explorer group lacks metric {metric!r}")
    raw, unit = value.get("Amount"), value.get("Unit")
    if not isinstance(raw, str):
        raise ProviderResponseError(f"{metric} Amount {raw!r} is not a decimal string")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ProviderResponseError(f"{metric} Amount {raw!r} is not a decimal") from None
    if not amount.is_finite():
        raise ProviderResponseError(f"{metric} Amount {raw!r} is not a finite decimal")
    if not isinstance(unit, str) or not _CURRENCY.match(unit):
        raise ProviderResponseError(f"{metric} Unit {unit!r} is not an ISO 4217 currency code")
    return amount, unit


def _item(
    day: date,
    amount: Decimal,
    currency: str,
    service: str,
    region: str,
    account_id: str,
    account_name: str,
    provisional: bool,
) -> CostLineItem:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return CostLineItem(
        charge_period_start=start,
        charge_period_end=start + timedelta(days=1),
        billed_cost=amount,
        effective_cost=amount,
        billing_currency=currency,
        service_name=service,
        region_id="" if region == _NO_REGION else region,
        sub_account_id=account_id,
        sub_account_name=account_name,
        charge_category="Tax" if service == "Tax" else "Usage",
        provider_name=PROVIDER_NAME,
        provisional=provisional,
    )


def _groups(result: Any) -> list[Mapping[str, Any]]:
    if not isinstance(result, Mapping):
        raise ProviderResponseError("Cost Explorer ResultsByTime entry is not an object")
    groups = result.get("Groups")
    if groups is None:
        return []
    if not isinstance(groups, list) or not all(isinstance(g, Mapping) for g in groups):
        raise ProviderResponseError("Cost Explorer 'Groups' is not a list of objects")
    return groups


def _keys(group: Mapping[str, Any], width: int) -> list[str]:
    keys = group.get("Keys")
    if (
        not isinstance(keys, list)
        or len(keys) != width
        or not all(isinstance(k, str) for k in keys)
    ):
        raise ProviderResponseError(f"Cost Explorer group Keys {keys!r} are not {width} strings")
    return keys


def _day(result: Mapping[str, Any], window: DateWindow) -> date:
    start = (result.get("TimePeriod") or {}).get("Start")
    try:
        day = date.fromisoformat(str(start)[:10])
    except ValueError:
        raise ProviderResponseError(
            f"Cost Explorer TimePeriod Start {start!r} is not a date"
        ) from None
    if not window.start <= day <= window.end:
        raise ProviderResponseError(f"Cost Explorer returned day {day}, outside {window}")
    return day
