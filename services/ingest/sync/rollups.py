"""Daily and tag rollups computed while line items stream in, as partial sums per chunk.

Re-reading millions of freshly copied line items with a GROUP BY (and exploding their tags
with jsonb_each_text) cost more than the COPY itself, so each chunk carries its own partial
rollups instead: vectorized with Arrow for FOCUS batches, a dict pass for connector items.
Storage COPYs the partials into temporary tables and sums them once; only a few thousand
partial rows per chunk ever exist, whatever the number of line items.

Rollups are keyed by provider type too (see domain/provider_types), so a FOCUS source's rows
are summed per cloud that billed them.

Tag values follow jsonb_each_text: strings as they are, JSON null as '', anything else as
its JSON text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa

from services.ingest.domain.cost_items import CostLineItem
from services.ingest.domain.provider_types import provider_type

# (day, provider_type, service, region, currency, amount, provisional)
RollupRow = tuple[date, str, str, str, str, Decimal, bool]
# (day, tag_key, tag_value, currency, amount)
TagRow = tuple[date, str, str, str, Decimal]

ROLLUP_KEYS = ["charge_day", "provider_name", "service_name", "region_id", "billing_currency"]


def tag_pairs(tags: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(k), v if isinstance(v, str) else ("" if v is None else json.dumps(v)))
        for k, v in tags.items()
    ]


def _parse_tags(
    text: str | None, cache: dict[str | None, list[tuple[str, str]]]
) -> list[tuple[str, str]]:
    if text not in cache:
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        cache[text] = tag_pairs(parsed) if isinstance(parsed, dict) else []
    return cache[text]


def batch_partials(table: pa.Table, account_provider: str) -> tuple[list[RollupRow], list[TagRow]]:
    """`table` has the rollup key columns (nulls already filled, but provider_name's),
    billed_cost, tags and provisional."""
    daily = table.group_by(ROLLUP_KEYS).aggregate([("billed_cost", "sum"), ("provisional", "any")])
    rollups: list[RollupRow] = [
        (
            r["charge_day"],
            provider_type(account_provider, r["provider_name"]),
            r["service_name"],
            r["region_id"],
            r["billing_currency"],
            r["billed_cost_sum"] or Decimal(0),
            bool(r["provisional_any"]),
        )
        for r in daily.to_pylist()
    ]
    tagged = table.filter(table.column("tags").is_valid())
    by_tags = tagged.group_by(["charge_day", "tags", "billing_currency"]).aggregate(
        [("billed_cost", "sum")]
    )
    cache: dict[str | None, list[tuple[str, str]]] = {}
    tag_rows: list[TagRow] = [
        (r["charge_day"], key, value, r["billing_currency"], r["billed_cost_sum"] or Decimal(0))
        for r in by_tags.to_pylist()
        for key, value in _parse_tags(r["tags"], cache)
    ]
    return rollups, tag_rows


class ItemPartials:
    """The same partial sums for connector items, accumulated one item at a time."""

    def __init__(self, account_provider: str) -> None:
        self._account_provider = account_provider
        self._daily: dict[tuple[date, str, str, str, str], list[Any]] = {}
        self._tags: dict[tuple[date, str, str, str], Decimal] = {}

    def add(self, item: CostLineItem) -> None:
        day, currency = item.charge_day, item.billing_currency
        kind = provider_type(self._account_provider, item.provider_name)
        key = (day, kind, item.service_name, item.region_id, currency)
        entry = self._daily.setdefault(key, [Decimal(0), False])
        entry[0] += item.billed_cost
        entry[1] = entry[1] or item.provisional
        for tag_key, tag_value in tag_pairs(item.tags):
            tag = (day, tag_key, tag_value, currency)
            self._tags[tag] = self._tags.get(tag, Decimal(0)) + item.billed_cost

    def take(self) -> tuple[list[RollupRow], list[TagRow]]:
        rollups = [(*key, total, provisional) for key, (total, provisional) in self._daily.items()]
        tags = [(*key, total) for key, total in self._tags.items()]
        self._daily, self._tags = {}, {}
        return rollups, tags


def partials_csv(rows: Iterable[tuple[Any, ...]]) -> bytes:
    """Partial rows as CSV for COPY: Decimal in plain notation, booleans as t/f."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(
            [
                format(v, "f")
                if isinstance(v, Decimal)
                else ("t" if v else "f")
                if isinstance(v, bool)
                else v
                for v in row
            ]
        )
    return buffer.getvalue().encode()
