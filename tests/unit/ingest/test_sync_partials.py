"""Partial rollups summed across FOCUS batches: whatever the batches and however often they
are handed over, they add up to a plain per-key sum, and a small import hands them over once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from services.ingest.connectors.focus_columns import FOCUS_SCHEMA
from services.ingest.sync.chunks import Owner, batch_chunks
from services.ingest.sync.partials import PartialSums
from tests.unit.ingest.test_storage_rollups import DAY0, naive, rows, summed

START = datetime.combine(DAY0, datetime.min.time(), UTC)


def rollup_table(data: list[tuple[object, ...]]) -> pa.Table:
    return pa.table(
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


def focus_batch(data: list[tuple[object, ...]]) -> pa.RecordBatch:
    starts = [START + timedelta(days=r[0]) for r in data]
    table = rollup_table(data)
    columns = {
        "charge_period_start": pa.array(starts, FOCUS_SCHEMA.field("charge_period_start").type),
        "charge_period_end": pa.array(starts, FOCUS_SCHEMA.field("charge_period_end").type),
        "effective_cost": table.column("billed_cost"),
        "list_cost": pa.nulls(len(data), pa.decimal128(38, 12)),
        **{name: table.column(name) for name in table.column_names},
    }
    full = {f.name: columns.get(f.name, pa.nulls(len(data), f.type)) for f in FOCUS_SCHEMA}
    return pa.table(full, schema=FOCUS_SCHEMA).combine_chunks().to_batches()[0]


@settings(max_examples=40, deadline=None)
@given(rows, st.lists(st.integers(1, 9), min_size=1), st.integers(1, 6), st.integers(1, 8))
def test_partials_handed_over_at_any_point_sum_like_a_group_by(data, cuts, limit, gather) -> None:
    partials = PartialSums("FOCUS_FILE", limit=limit, gather=gather)
    rollups, tags, done, i = [], [], 0, 0
    while done < len(data):
        size = cuts[i % len(cuts)]
        partials.add(rollup_table(data[done : done + size]))
        done, i = done + size, i + 1
        if partials.full:
            taken = partials.take()
            rollups += taken[0]
            tags += taken[1]
    taken = partials.take()
    assert summed(rollups + taken[0], tags + taken[1]) == naive(data, "FOCUS_FILE")


def test_a_small_focus_import_hands_its_partials_over_once_at_the_end() -> None:
    data = [
        (day, service, "us-east-1", "USD", Decimal("1.5"), {"env": "prod"}, "AWS")
        for day in range(3)
        for service in ("EC2", "S3")
    ]
    batches = [focus_batch(data[i : i + 2]) for i in range(0, len(data), 2)]
    chunks = list(batch_chunks(iter(batches), Owner("o", 1, "FOCUS_FILE")))
    *with_rows, last = chunks
    assert [c.rows for c in with_rows] == [2, 2, 2]
    assert all(not c.rollups and not c.tags for c in with_rows)
    assert last.rows == 0
    assert summed(last.rollups, last.tags) == naive(data, "FOCUS_FILE")
    assert set().union(*(c.days for c in with_rows)) == {DAY0 + timedelta(days=d) for d in range(3)}
