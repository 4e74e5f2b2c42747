"""DigitalOcean invoice items -> daily FOCUS line items.

An invoice item covers a span (`start_time` to `end_time`, often a whole month) with one
amount. We spread it over the UTC days it touches in proportion to the seconds in each
day. Shares are quantized to 10 places and the last day of the item takes the rounding
remainder, so an item's days always add up to exactly its amount, whichever window is
asked for later.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation, localcontext
from typing import Any

from services.ingest.connectors.base import ProviderResponseError
from services.ingest.domain.cost_items import CostLineItem, DateWindow

PROVIDER_NAME = "DigitalOcean"
CURRENCY = "USD"
SHARE_QUANTUM = Decimal("1E-10")
_ONE_DAY = timedelta(days=1)
_EXACT = Context(prec=60)  # wide enough that amount * microseconds never rounds

# The JSON item has no region; a DigitalOcean region slug written in its description as a
# whole word (e.g. "s-1vcpu-1gb (nyc3)") is the only place one can show up.
_REGION_SLUG = re.compile(r"\b(nyc[1-3]|sfo[1-3]|ams[23]|sgp1|lon1|fra1|tor1|blr1|syd1|atl1)\b")


# FOCUS ChargeCategory from what the item says of itself: its `category` (godo's invoice
# item and the CSV export carry one, e.g. "iaas") or `product` (tax arrives as the product
# "Taxes"); credits and refunds may also be named only in the description, and any negative
# amount is a credit whatever its words.
_TAX = re.compile(r"\b(tax|taxes|vat|gst)\b")
_CREDIT = re.compile(r"\b(credits?|refunds?|promo|promotional)\b")
_ADJUSTMENT = re.compile(r"\badjustments?\b")


def charge_category(item: Mapping[str, Any], amount: Decimal) -> str:
    marks = f"{item.get('category') or ''} {item.get('product') or ''}".lower()
    if _TAX.search(marks):
        return "Tax"
    if amount < 0 or _CREDIT.search(f"{marks} {item.get('description') or ''}".lower()):
        return "Credit"
    if _ADJUSTMENT.search(marks):
        return "Adjustment"
    return "Usage"


def parse_amount(value: Any, where: str) -> Decimal:
    if not isinstance(value, str | int):
        raise ProviderResponseError(f"DigitalOcean {where}: amount {value!r} is not a number")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ProviderResponseError(
            f"DigitalOcean {where}: amount {value!r} is not a number"
        ) from None
    if not amount.is_finite():
        raise ProviderResponseError(f"DigitalOcean {where}: amount {value!r} is not finite")
    return amount


def parse_time(value: Any, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace(" +0000", "+00:00"))
    except (TypeError, ValueError):
        raise ProviderResponseError(
            f"DigitalOcean {where}: {value!r} is not an RFC 3339 time"
        ) from None
    if parsed.tzinfo is None:  # the API writes UTC; a bare time is read as UTC too
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def prorate(amount: Decimal, start: datetime, end: datetime) -> list[tuple[date, Decimal]]:
    """Each UTC day in [start, end) with its share of `amount`; the shares sum to `amount`."""
    if end <= start:  # an instantaneous charge belongs wholly to its day
        return [(start.date(), amount)]
    total = _microseconds(end - start)
    days: list[tuple[date, Decimal]] = []
    allotted = Decimal(0)
    day = start.date()
    with localcontext(_EXACT):
        while day_start(day) < end:
            covered = min(end, day_start(day) + _ONE_DAY) - max(start, day_start(day))
            share = (amount * _microseconds(covered) / total).quantize(
                SHARE_QUANTUM, rounding=ROUND_HALF_EVEN
            )
            days.append((day, share))
            allotted += share
            day += _ONE_DAY
        last_day, last_share = days[-1]
        days[-1] = (last_day, last_share + amount - allotted)
    return days


def daily_rows(
    item: Mapping[str, Any], window: DateWindow, where: str, *, provisional: bool
) -> Iterator[CostLineItem]:
    """The window's days of one invoice item, as daily line items."""
    if not isinstance(item, Mapping):
        raise ProviderResponseError(f"DigitalOcean {where}: an invoice item is not an object")
    amount = parse_amount(_field(item, "amount", where), where)
    start = parse_time(_field(item, "start_time", where), where)
    end = parse_time(_field(item, "end_time", where), where)
    if end < start:
        raise ProviderResponseError(f"DigitalOcean {where}: item ends {end} before it starts")
    product = str(_field(item, "product", where))
    project = str(item.get("project_name") or "")
    resource = str(item.get("resource_uuid") or item.get("resource_id") or "")
    region = _region(item)
    category = charge_category(item, amount)
    for day, share in prorate(amount, start, end):
        if window.start <= day <= window.end:
            yield CostLineItem(
                charge_period_start=day_start(day),
                charge_period_end=day_start(day) + _ONE_DAY,
                billed_cost=share,
                effective_cost=share,
                billing_currency=CURRENCY,
                service_name=product,
                region_id=region,
                sub_account_id=project,
                sub_account_name=project,
                resource_id=resource,
                charge_category=category,
                provider_name=PROVIDER_NAME,
                provisional=provisional,
            )


def _field(item: Mapping[str, Any], name: str, where: str) -> Any:
    value = item.get(name)
    if value in (None, ""):
        raise ProviderResponseError(f"DigitalOcean {where}: an invoice item has no '{name}'")
    return value


def _region(item: Mapping[str, Any]) -> str:
    for text in (item.get("description"), item.get("group_description")):
        match = _REGION_SLUG.search(str(text or ""))
        if match:
            return match.group(1)
    return ""


def _microseconds(delta: timedelta) -> Decimal:
    return Decimal((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)
