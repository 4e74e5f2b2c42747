"""Line items as COPY-ready CSV chunks, produced in a worker thread and consumed by asyncio.

Two producers feed the same storage: `item_chunks` (any connector's CostLineItems, encoded
with the csv module) and `batch_chunks` (the FOCUS reader's Arrow batches, encoded by Arrow
without a Python loop per row, for bulk imports). Storage reads either through the kit's
`iterate_in_thread(producer, QUEUE_CHUNKS)`, so the provider or file is read while PostgreSQL
writes, and memory stays a few chunks whatever the size of the import.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from services.ingest.domain.cost_items import CostLineItem, DateWindow
from services.ingest.sync.copy_text import TimestampTexts
from services.ingest.sync.partials import PartialSums
from services.ingest.sync.rollups import ItemPartials, RollupRow, TagRow

COPY_COLUMNS = (
    "org_id",
    "account_id",
    "provider",
    "charge_day",
    "charge_period_start",
    "charge_period_end",
    "billed_cost",
    "effective_cost",
    "list_cost",
    "billing_currency",
    "service_name",
    "service_category",
    "region_id",
    "sub_account_id",
    "sub_account_name",
    "resource_id",
    "charge_category",
    "provider_name",
    "tags",
    "provisional",
)
# NOT NULL text columns: an empty CSV field is '' there, not NULL.
NOT_NULL_TEXT = (
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
ITEMS_PER_CHUNK = 20_000
QUEUE_CHUNKS = 2


@dataclass(frozen=True)
class Owner:
    """Whose line items these are: every row carries them."""

    org_id: str
    account_id: int
    provider: str  # the account's provider: AWS | GCP | AZURE | DIGITALOCEAN | FOCUS_FILE


@dataclass(frozen=True)
class Chunk:
    data: bytes | pa.Buffer  # CSV rows in COPY_COLUMNS order, no header
    rows: int
    first_day: date | None
    last_day: date | None
    months: frozenset[date]  # first day of each month the rows fall in
    days: frozenset[date]  # the days the rows fall in
    # Partial sums of these rows, or (FOCUS batches) of every row since the last chunk that
    # carried some; summed over all chunks they are the rollups of all rows.
    rollups: list[RollupRow] = field(default_factory=list)
    tags: list[TagRow] = field(default_factory=list)


def item_chunks(
    items: Iterator[CostLineItem],
    owner: Owner,
    window: DateWindow | None = None,
    per_chunk: int = ITEMS_PER_CHUNK,
) -> Iterator[Chunk]:
    """Items outside `window` are dropped: a window's replace must not touch other days."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    partials = ItemPartials(owner.provider)
    rows, days = 0, set()
    for item in items:
        day = item.charge_day
        if window is not None and not window.start <= day <= window.end:
            continue
        writer.writerow(_row(item, owner))
        partials.add(item)
        rows += 1
        days.add(day)
        if rows >= per_chunk:
            yield _chunk(buffer.getvalue().encode(), rows, days, partials)
            buffer.seek(0)
            buffer.truncate()
            rows, days = 0, set()
    if rows:
        yield _chunk(buffer.getvalue().encode(), rows, days, partials)


def _chunk(data: bytes, rows: int, days: set[date], partials: ItemPartials) -> Chunk:
    rollups, tags = partials.take()
    months = frozenset(d.replace(day=1) for d in days)
    return Chunk(data, rows, min(days), max(days), months, frozenset(days), rollups, tags)


def _row(item: CostLineItem, owner: Owner) -> tuple[object, ...]:
    return (
        owner.org_id,
        owner.account_id,
        owner.provider,
        item.charge_day.isoformat(),
        item.charge_period_start.isoformat(),
        item.charge_period_end.isoformat(),
        format(item.billed_cost, "f"),
        format(item.effective_cost, "f"),
        "" if item.list_cost is None else format(item.list_cost, "f"),
        item.billing_currency,
        item.service_name,
        item.service_category,
        item.region_id,
        item.sub_account_id,
        item.sub_account_name,
        item.resource_id,
        item.charge_category or "Usage",
        item.provider_name,
        json.dumps(dict(item.tags), sort_keys=True) if item.tags else "",
        "t" if item.provisional else "f",
    )


_CSV_OPTIONS = pa_csv.WriteOptions(include_header=False, batch_size=8192)
# Empty rather than null, as the NOT NULL columns store them; the rollups group by them.
_BLANK_TEXT = ("billing_currency", "service_name", "region_id")
_TIMESTAMPS = ("charge_period_start", "charge_period_end")


def batch_chunks(batches: Iterator[pa.RecordBatch], owner: Owner) -> Iterator[Chunk]:
    """FOCUS_SCHEMA batches -> chunks, vectorized: Arrow writes the CSV and sums the rollups.

    Partial rollups ride on the chunk where they outgrow their limit, and on a last chunk
    without rows at the end."""
    partials = PartialSums(owner.provider)
    timestamps = TimestampTexts()
    for batch in batches:
        n = batch.num_rows
        if n == 0:
            continue
        day = batch.column("charge_day")
        span = pc.min_max(day)
        columns = {
            "org_id": pa.repeat(pa.scalar(owner.org_id), n),
            "account_id": pa.repeat(pa.scalar(owner.account_id, pa.int64()), n),
            "provider": pa.repeat(pa.scalar(owner.provider), n),
            **{name: batch.column(name) for name in COPY_COLUMNS[3:-1]},
            "provisional": pa.repeat(pa.scalar(False), n),
        }
        columns["charge_category"] = pc.fill_null(columns["charge_category"], "Usage")
        for name in _BLANK_TEXT:
            columns[name] = pc.fill_null(columns[name], "")
        table = pa.table(columns)
        partials.add(table)
        rollups, tags = partials.take() if partials.full else ([], [])
        for name in _TIMESTAMPS:
            columns[name] = timestamps.of(columns[name])
        sink = pa.BufferOutputStream()  # Arrow's memory pool, handed to COPY without a copy
        pa_csv.write_csv(pa.table(columns), sink, _CSV_OPTIONS)
        days = frozenset(pc.unique(day).to_pylist())
        yield Chunk(
            sink.getvalue(),
            n,
            span["min"].as_py(),
            span["max"].as_py(),
            frozenset(d.replace(day=1) for d in days),
            days,
            rollups,
            tags,
        )
    if not partials.empty:
        yield Chunk(b"", 0, None, None, frozenset(), frozenset(), *partials.take())
