"""DigitalOcean billing connector: invoices for closed months, the preview for the current one.

- Closed months come from `invoices.list` (every page) and, for each invoice whose
  `invoice_period` (YYYY-MM) overlaps the window, its items (`invoices.get_by_uuid`).
- The open month is the list's `invoice_preview` period: its items come from
  `invoices.get_by_uuid("preview")` and are marked provisional.
- The balance's `month_to_date_usage` is DigitalOcean's authoritative figure for the open
  month; the preview can lag it or leave charges out. When they differ, one provisional
  "Unattributed" Adjustment row carries the difference, booked on the last day the balance
  counts (the day of the instant before `generated_at`), so the month's rows add up to what
  DigitalOcean reports. The balance is only reconciled against the preview when that
  instant falls inside the preview's month.
- Items are spread over the UTC days they cover (see `digitalocean_items`); only days
  inside the window are emitted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from services.ingest.connectors.base import (
    AccountConfig,
    ConnectionCheck,
    ConnectorError,
    ProviderResponseError,
    required,
)
from services.ingest.connectors.digitalocean_api import DigitalOceanApi, RateLimitPolicy
from services.ingest.connectors.digitalocean_items import (
    CURRENCY,
    PROVIDER_NAME,
    daily_rows,
    day_start,
    parse_amount,
    parse_time,
)
from services.ingest.domain.cost_items import CostLineItem, DateWindow

PREVIEW = "preview"
UNATTRIBUTED_SERVICE = "Unattributed"


class DigitalOceanConnector:
    def __init__(
        self,
        config: AccountConfig,
        *,
        max_throttle_retries: int = 3,
        max_wait_seconds: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        token = required(config.credentials, "token", "DigitalOcean credential")
        limits = RateLimitPolicy(max_throttle_retries, max_wait_seconds, sleep, clock)
        self._api = DigitalOceanApi(str(token), config.endpoint, limits)
        self._clock = clock

    def fetch(self, window: DateWindow) -> Iterator[CostLineItem]:
        months = _months(window)
        invoices, preview_period = self._invoices()
        for uuid, period in invoices:
            if period in months:
                yield from self._invoice_rows(uuid, window)
        closed = {period for _, period in invoices}
        if preview_period in months and preview_period not in closed:
            yield from self._preview_rows(window, preview_period)

    def test_connection(self) -> ConnectionCheck:
        try:
            balance = self._api.balance()
            usage = parse_amount(balance.get("month_to_date_usage"), "balance")
        except ConnectorError as exc:
            return ConnectionCheck(ok=False, message=exc.message)
        as_of = balance.get("generated_at") or "now"
        return ConnectionCheck(
            ok=True,
            message=f"Connected to DigitalOcean; month-to-date usage {usage} {CURRENCY} "
            f"(as of {as_of})",
        )

    def _invoices(self) -> tuple[list[tuple[str, str]], str]:
        """(uuid, period) of every issued invoice, and the period the preview covers."""
        invoices: list[tuple[str, str]] = []
        preview_period = _month_of(datetime.fromtimestamp(self._clock(), UTC).date())
        for page in self._api.invoice_pages():
            listed = page.get("invoices")
            if not isinstance(listed, list):
                raise ProviderResponseError("DigitalOcean invoice list: no 'invoices' array")
            invoices.extend(_invoice_key(invoice) for invoice in listed)
            preview = page.get("invoice_preview")
            if isinstance(preview, Mapping) and preview.get("invoice_period"):
                preview_period = _invoice_key(preview, uuid_required=False)[1]
        return invoices, preview_period

    def _items(self, uuid: str) -> Iterator[Any]:
        for page in self._api.invoice_item_pages(uuid):
            items = page.get("invoice_items")
            if not isinstance(items, list):
                raise ProviderResponseError(
                    f"DigitalOcean invoice {uuid}: no 'invoice_items' array"
                )
            yield from items

    def _invoice_rows(self, uuid: str, window: DateWindow) -> Iterator[CostLineItem]:
        for item in self._items(uuid):
            yield from daily_rows(item, window, f"invoice {uuid}", provisional=False)

    def _preview_rows(self, window: DateWindow, period: str) -> Iterator[CostLineItem]:
        previewed = Decimal(0)
        for item in self._items(PREVIEW):
            yield from daily_rows(item, window, "invoice preview", provisional=True)
            previewed += parse_amount(item["amount"], "invoice preview")
        balance = self._api.balance()
        usage = parse_amount(balance.get("month_to_date_usage"), "balance month_to_date_usage")
        generated = balance.get("generated_at")
        as_of = parse_time(generated, "balance generated_at") if generated else None
        # The balance counts usage up to `generated_at`, so its last instant names the day.
        last = (as_of or datetime.fromtimestamp(self._clock(), UTC)) - timedelta(microseconds=1)
        if _month_of(last.date()) != period:
            return  # the balance counts another month than the preview does
        if usage != previewed and window.start <= last.date() <= window.end:
            yield _adjustment(last.date(), usage - previewed)


def _adjustment(day: date, amount: Decimal) -> CostLineItem:
    return CostLineItem(
        charge_period_start=day_start(day),
        charge_period_end=day_start(day + timedelta(days=1)),
        billed_cost=amount,
        effective_cost=amount,
        billing_currency=CURRENCY,
        service_name=UNATTRIBUTED_SERVICE,
        charge_category="Adjustment",
        provider_name=PROVIDER_NAME,
        provisional=True,
    )


def _invoice_key(invoice: Any, *, uuid_required: bool = True) -> tuple[str, str]:
    if not isinstance(invoice, Mapping):
        raise ProviderResponseError("DigitalOcean invoice list: an invoice is not an object")
    uuid = str(invoice.get("invoice_uuid") or "")
    period = str(invoice.get("invoice_period") or "")
    if uuid_required and not uuid:
        raise ProviderResponseError("DigitalOcean invoice list: an invoice has no invoice_uuid")
    try:
        datetime.strptime(period, "%Y-%m")
    except ValueError:
        raise ProviderResponseError(
            f"DigitalOcean invoice list: invoice_period {period!r} is not YYYY-MM"
        ) from None
    return uuid, period


def _months(window: DateWindow) -> set[str]:
    months: set[str] = set()
    day = window.start.replace(day=1)
    while day <= window.end:
        months.add(_month_of(day))
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
