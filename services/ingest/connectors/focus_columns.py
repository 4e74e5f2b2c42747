"""FOCUS column names across spec versions, and the one Arrow schema every export becomes.

Exports differ in spelling (FOCUS 1.0 `ProviderName` vs the later `ServiceProviderName`,
snake_case copies made by other tools) and in types (CSV gives text; Parquet gives doubles,
decimals, maps, timestamps in any unit). This module maps a file's header to our columns and
turns a raw Arrow batch into `FOCUS_SCHEMA`, vectorized, so the bulk importer never loops in
Python per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyarrow as pa

from services.ingest.connectors import focus_values as values
from services.ingest.connectors.base import ProviderResponseError

AMOUNT_TYPE = values.AMOUNT_TYPE
TIMESTAMP_TYPE = values.TIMESTAMP_TYPE

# Our column -> FOCUS names it may come under, preferred first. When a file carries several
# (a transition export with both ProviderName and ServiceProviderName), the first non-null
# value per row wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "charge_period_start": ("ChargePeriodStart",),
    "charge_period_end": ("ChargePeriodEnd",),
    "billed_cost": ("BilledCost",),
    "effective_cost": ("EffectiveCost", "AmortizedCost"),  # AmortizedCost: FOCUS 0.5
    "list_cost": ("ListCost",),
    "billing_currency": ("BillingCurrency",),
    "service_name": ("ServiceName",),
    "service_category": ("ServiceCategory",),
    "region_id": ("RegionId", "Region"),  # Region: FOCUS 0.5
    "sub_account_id": ("SubAccountId",),
    "sub_account_name": ("SubAccountName",),
    "resource_id": ("ResourceId",),
    "charge_category": ("ChargeCategory", "ChargeType"),  # ChargeType: FOCUS 0.5
    # 1.0-1.2 say ProviderName; newer exports say ServiceProviderName (HostProviderName and
    # PublisherName name other parties and are not the provider we group by).
    "provider_name": ("ServiceProviderName", "ProviderName"),
    "tags": ("Tags",),
}

# Without these a row means nothing; FOCUS requires them in every version.
REQUIRED: dict[str, str] = {
    "billed_cost": "BilledCost",
    "billing_currency": "BillingCurrency",
    "charge_period_start": "ChargePeriodStart",
    "charge_period_end": "ChargePeriodEnd",
    "service_name": "ServiceName",
}

AMOUNT_COLUMNS = ("billed_cost", "effective_cost", "list_cost")
TIMESTAMP_COLUMNS = ("charge_period_start", "charge_period_end")
TEXT_COLUMNS = (
    "billing_currency",
    "service_name",
    "service_category",
    "region_id",
    "sub_account_id",
    "sub_account_name",
    "resource_id",
    "charge_category",
    "provider_name",
)

FOCUS_SCHEMA = pa.schema(
    [
        pa.field("charge_period_start", TIMESTAMP_TYPE, nullable=False),
        pa.field("charge_period_end", TIMESTAMP_TYPE, nullable=False),
        pa.field("billed_cost", AMOUNT_TYPE, nullable=False),
        pa.field("effective_cost", AMOUNT_TYPE, nullable=False),
        pa.field("list_cost", AMOUNT_TYPE),
        *(pa.field(name, pa.string()) for name in TEXT_COLUMNS),
        pa.field("tags", pa.string()),  # a JSON object as text, or null
        pa.field("charge_day", pa.date32(), nullable=False),  # UTC day of charge_period_start
    ]
)


def header_key(name: str) -> str:
    """`BilledCost`, `billed_cost` and `BILLED COST` all name the same column."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


_ALIAS_KEYS = {col: tuple(header_key(a) for a in names) for col, names in ALIASES.items()}


@dataclass(frozen=True)
class ColumnPlan:
    """Which of a file's columns feed each of ours (an empty tuple: absent, all nulls)."""

    source: str
    columns: dict[str, tuple[str, ...]]

    @property
    def file_columns(self) -> list[str]:
        """The file columns to read, each once, in first-use order."""
        seen: dict[str, None] = {}
        for names in self.columns.values():
            seen.update(dict.fromkeys(names))
        return list(seen)


def plan_columns(header: Sequence[str], source: str) -> ColumnPlan:
    """Match a file's header to our columns; a missing required column is named with the file.

    `x_`-prefixed columns are vendor extensions (AWS, Azure) and are never matched, even when
    their name looks like a FOCUS one.
    """
    by_key: dict[str, str] = {}
    for name in header:
        if name.lower().startswith("x_"):
            continue
        by_key.setdefault(header_key(name), name)
    columns = {
        col: tuple(by_key[k] for k in keys if k in by_key) for col, keys in _ALIAS_KEYS.items()
    }
    missing = [focus for col, focus in REQUIRED.items() if not columns[col]]
    if missing:
        raise ProviderResponseError(
            f"FOCUS file {source} lacks required column(s) {', '.join(missing)}"
            f" (it has {len(header)} columns: {', '.join(list(header)[:12])}"
            f"{', ...' if len(header) > 12 else ''})"
        )
    return ColumnPlan(source=source, columns=columns)


def normalize_batch(
    raw: pa.RecordBatch, plan: ColumnPlan, blank_is_null: bool = True
) -> pa.RecordBatch:
    """Turn one raw batch (file column names, any types) into a `FOCUS_SCHEMA` batch.

    `blank_is_null=False` skips the "" -> null pass for readers (CSV) that already did it.
    """
    n, where = raw.num_rows, plan.source

    def each(col: str, convert: Callable[[pa.Array, str], pa.Array]) -> pa.Array | None:
        names = plan.columns[col]
        if not names:
            return None
        return values.first_non_null([convert(raw.column(name), name) for name in names])

    def amount(arr: pa.Array, name: str) -> pa.Array:
        return values.to_amount(arr, name, where)

    def timestamp(arr: pa.Array, name: str) -> pa.Array:
        return values.to_utc_timestamp(arr, name, where)

    def text(arr: pa.Array, _: str) -> pa.Array:
        return values.to_text(arr, blank_is_null)

    def tags(arr: pa.Array, _: str) -> pa.Array:
        return values.to_tags_json(arr, where)

    columns: dict[str, pa.Array | None] = {col: each(col, timestamp) for col in TIMESTAMP_COLUMNS}
    columns.update({col: each(col, amount) for col in AMOUNT_COLUMNS})
    columns.update({col: each(col, text) for col in TEXT_COLUMNS})
    columns["tags"] = each("tags", tags)
    for col, arr in columns.items():
        if arr is None and col != "effective_cost":  # effective falls back to billed
            columns[col] = pa.nulls(n, FOCUS_SCHEMA.field(col).type)
    return values.finish(columns, FOCUS_SCHEMA, where)
