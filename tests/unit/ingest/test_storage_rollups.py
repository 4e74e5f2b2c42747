"""Partial rollups equal a plain per-key sum, for Arrow batches and for connector items alike;
a FOCUS source's rows are keyed by the cloud that billed them, a connector's by its own."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from services.ingest.domain.cost_items import CostLineItem, DateWindow
from services.ingest.sync.chunks import Owner, item_chunks
from services.ingest.sync.rollups import batch_partials

DAY0 = date(2024, 9, 1)
rows = st.lists(
    st.tuples(
        st.integers(0, 3),  # day offset
        st.sampled_from(["EC2", "S3", ""]),
        st.sampled_from(["us-east-1", ""]),
        st.sampled_from(["USD", "EUR"]),
        st.decimals(min_value=-1000, max_value=1000, places=6, allow_nan=False),
        st.sampled_from([None, {"env": "prod"}, {"env": "dev", "n": 3}, {"k": None}]),
        st.sampled_from(["AWS", "Microsoft", "Oracle", "", None]),
    ),
    max_size=40,
)


FOCUS_TYPES = {"AWS": "aws", "Microsoft": "azure", "Oracle": "oracle", "": "focus_file"}


def naive(data, account_provider):
    daily, tags = defaultdict(Decimal), defaultdict(Decimal)
    for offset, service, region, currency, amount, tag, name in data:
        day = DAY0 + timedelta(days=offset)
        kind = FOCUS_TYPES[name or ""] if account_provider == "FOCUS_FILE" else "aws"
        daily[(day, kind, service, region, currency)] += amount
        for k, v in (tag or {}).items():
            text = v if isinstance(v, str) else ("" if v is None else json.dumps(v))
            tags[(day, k, text, currency)] += amount
    return dict(daily), dict(tags)


def summed(rollups, tag_rows):
    daily, tags = defaultdict(Decimal), defaultdict(Decimal)
    for day, kind, service, region, currency, amount, _ in rollups:
        daily[(day, kind, service, region, currency)] += amount
    for day, key, value, currency, amount in tag_rows:
        tags[(day, key, value, currency)] += amount
    return dict(daily), dict(tags)


@settings(max_examples=40, deadline=None)
@given(rows)
def test_arrow_partials_sum_like_a_group_by(data) -> None:
    table = pa.table(
        {
            "charge_day": pa.array([DAY0 + timedelta(days=r[0]) for r in data], pa.date32()),
            "provider_name": pa.array([r[6] for r in data], pa.string()),
            "service_name": pa.array([r[1] for r in data], pa.string()),
            "region_id": pa.array([r[2] for r in data], pa.string()),
            "billing_currency": pa.array([r[3] for r in data], pa.string()),
            "billed_cost": pa.array([r[4] for r in data], pa.decimal128(38, 12)),
            "tags": pa.array([json.dumps(r[5]) if r[5] else None for r in data], pa.string()),
            "provisional": pa.array([False] * len(data), pa.bool_()),
        }
    )
    assert summed(*batch_partials(table, "FOCUS_FILE")) == naive(data, "FOCUS_FILE")


@settings(max_examples=40, deadline=None)
@given(rows)
def test_item_chunks_carry_the_same_partials(data) -> None:
    items = [
        CostLineItem(
            charge_period_start=datetime.combine(
                DAY0 + timedelta(days=d), datetime.min.time(), UTC
            ),
            charge_period_end=datetime.combine(
                DAY0 + timedelta(days=d + 1), datetime.min.time(), UTC
            ),
            billed_cost=amount,
            effective_cost=amount,
            billing_currency=currency,
            service_name=service,
            region_id=region,
            tags=tag or {},
            provider_name=name or "",
        )
        for d, service, region, currency, amount, tag, name in data
    ]
    chunks = list(item_chunks(iter(items), Owner("o", 1, "AWS"), per_chunk=7))
    rollups = [r for c in chunks for r in c.rollups]
    tag_rows = [t for c in chunks for t in c.tags]
    assert sum(c.rows for c in chunks) == len(items)
    assert summed(rollups, tag_rows) == naive(data, "AWS")


@settings(max_examples=20, deadline=None)
@given(rows)
def test_item_chunks_of_a_focus_source_are_keyed_by_provider_name(data) -> None:
    start = datetime(2024, 9, 1, tzinfo=UTC)
    items = [
        CostLineItem(start + timedelta(days=d), start + timedelta(days=d + 1), amount, amount,
                     currency, service, region_id=region, tags=tag or {}, provider_name=name or "")
        for d, service, region, currency, amount, tag, name in data
    ]  # fmt: skip
    chunks = list(item_chunks(iter(items), Owner("o", 1, "FOCUS_FILE"), per_chunk=7))
    rollups = [r for c in chunks for r in c.rollups]
    assert summed(rollups, [t for c in chunks for t in c.tags]) == naive(data, "FOCUS_FILE")


def test_items_outside_the_window_are_dropped() -> None:
    start = datetime(2024, 9, 1, tzinfo=UTC)
    items = [
        CostLineItem(start + timedelta(days=d), start + timedelta(days=d + 1), Decimal(1),
                     Decimal(1), "USD", "EC2")
        for d in range(5)
    ]  # fmt: skip
    window = DateWindow(date(2024, 9, 2), date(2024, 9, 3))
    (chunk,) = item_chunks(iter(items), Owner("o", 1, "AWS"), window)
    assert (chunk.rows, chunk.first_day, chunk.last_day) == (2, window.start, window.end)
