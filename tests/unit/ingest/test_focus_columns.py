"""FOCUS header matching and the vectorized value conversions, on hand-made Arrow batches."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from decimal import Decimal

import pyarrow as pa
import pytest

from services.ingest.connectors.base import ProviderResponseError
from services.ingest.connectors.focus import batch_to_items
from services.ingest.connectors.focus_columns import (
    FOCUS_SCHEMA,
    normalize_batch,
    plan_columns,
)

BASE = {
    "BilledCost": ["1.5"],
    "BillingCurrency": ["USD"],
    "ChargePeriodStart": ["2024-09-18 22:00:00"],
    "ChargePeriodEnd": ["2024-09-18 23:00:00"],
    "ServiceName": ["Amazon S3"],
}


def normalize(columns: dict[str, list[object]], types: dict[str, pa.DataType] | None = None):
    types = types or {}
    raw = pa.RecordBatch.from_pydict(
        {k: pa.array(v, types.get(k, pa.string())) for k, v in columns.items()}
    )
    plan = plan_columns(raw.schema.names, "test.csv")
    batch = normalize_batch(raw, plan)
    assert batch.schema == FOCUS_SCHEMA
    return batch.to_pydict()


def with_base(**extra: list[object]) -> dict[str, list[object]]:
    n = len(next(iter(extra.values()))) if extra else 1
    cols = {k: v * n for k, v in BASE.items()}
    cols.update(extra)
    return cols


def test_focus_10_names_map_to_our_columns() -> None:
    plan = plan_columns(
        [*BASE, "ProviderName", "PublisherName", "EffectiveCost", "RegionId", "Tags"], "a.csv"
    )
    assert plan.columns["provider_name"] == ("ProviderName",)
    assert plan.columns["effective_cost"] == ("EffectiveCost",)
    assert plan.columns["resource_id"] == ()
    assert "PublisherName" not in plan.file_columns


def test_newer_provider_names_and_snake_case_are_recognised() -> None:
    header = [
        "billed_cost",
        "billing_currency",
        "charge_period_start",
        "charge_period_end",
        "service_name",
        "ServiceProviderName",
        "HostProviderName",
    ]
    plan = plan_columns(header, "b.parquet")
    assert plan.columns["billed_cost"] == ("billed_cost",)
    assert plan.columns["provider_name"] == ("ServiceProviderName",)


def test_vendor_x_columns_are_never_matched() -> None:
    plan = plan_columns([*BASE, "x_ServiceCategory", "x_Tags"], "c.csv")
    assert plan.columns["service_category"] == ()
    assert plan.columns["tags"] == ()


def test_missing_required_column_names_it_and_the_file() -> None:
    header = [h for h in BASE if h != "ChargePeriodEnd"]
    with pytest.raises(ProviderResponseError) as err:
        plan_columns(header, "s3://bucket/export/part-1.csv.gz")
    assert "ChargePeriodEnd" in err.value.message
    assert "s3://bucket/export/part-1.csv.gz" in err.value.message
    assert err.value.reason == "PROVIDER_BAD_RESPONSE"


def test_both_provider_columns_take_the_first_non_null_per_row() -> None:
    out = normalize(with_base(ServiceProviderName=["AWS", None], ProviderName=["old", "Microsoft"]))
    assert out["provider_name"] == ["AWS", "Microsoft"]


def test_amounts_are_exact_decimals_from_any_notation() -> None:
    out = normalize(with_base(BilledCost=["0.00000080000", "-2.61370000000", "1.5E-7", "12"]))
    assert out["billed_cost"] == [
        Decimal("0.0000008"),
        Decimal("-2.6137"),
        Decimal("0.00000015"),
        Decimal(12),
    ]
    # EffectiveCost absent: it is the billed cost; ListCost absent: null.
    assert out["effective_cost"] == out["billed_cost"]
    assert out["list_cost"] == [None] * 4


def test_amounts_beyond_twelve_places_round_half_even() -> None:
    out = normalize(with_base(BilledCost=["0.1234567890125", "0.1234567890135"]))
    assert out["billed_cost"] == [Decimal("0.123456789012"), Decimal("0.123456789014")]


def test_double_amounts_use_their_shortest_repr_not_binary_value() -> None:
    out = normalize(with_base(BilledCost=[0.1, 1e-07, 123456.789]), {"BilledCost": pa.float64()})
    assert out["billed_cost"] == [Decimal("0.1"), Decimal("1E-7"), Decimal("123456.789")]


def test_unreadable_amount_names_column_and_file() -> None:
    with pytest.raises(ProviderResponseError) as err:
        normalize(with_base(EffectiveCost=["12.5 USD"]))
    assert "EffectiveCost" in err.value.message and "test.csv" in err.value.message


def test_null_billed_is_zero_and_null_effective_falls_back_to_billed() -> None:
    out = normalize(with_base(BilledCost=[None, "2"], EffectiveCost=["1", None]))
    assert out["billed_cost"] == [Decimal(0), Decimal(2)]
    assert out["effective_cost"] == [Decimal(1), Decimal(2)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-09-18 22:00:00", datetime(2024, 9, 18, 22, tzinfo=UTC)),
        ("2024-09-18T22:00:00Z", datetime(2024, 9, 18, 22, tzinfo=UTC)),
        ("2024-09-18T23:30:00-02:00", datetime(2024, 9, 19, 1, 30, tzinfo=UTC)),
        ("2024-09-18", datetime(2024, 9, 18, tzinfo=UTC)),
    ],
)
def test_timestamps_without_zone_are_utc_and_zones_are_honoured(
    text: str, expected: datetime
) -> None:
    out = normalize(with_base(ChargePeriodStart=[text]))
    assert out["charge_period_start"] == [expected]
    assert out["charge_day"] == [expected.date()]


def test_mixed_zoned_and_zoneless_timestamps_in_one_batch() -> None:
    out = normalize(with_base(ChargePeriodStart=["2024-09-18 22:00:00", "2024-09-18T23:00:00Z"]))
    assert out["charge_period_start"] == [
        datetime(2024, 9, 18, 22, tzinfo=UTC),
        datetime(2024, 9, 18, 23, tzinfo=UTC),
    ]


def test_typed_parquet_timestamps_in_other_units_and_zones() -> None:
    ms = pa.array([datetime(2024, 9, 30, 23, 30)], pa.timestamp("ms"))
    out = normalize(
        with_base(ChargePeriodStart=ms.to_pylist()),
        {"ChargePeriodStart": pa.timestamp("ms")},
    )
    assert out["charge_period_start"] == [datetime(2024, 9, 30, 23, 30, tzinfo=UTC)]
    assert out["charge_day"] == [date(2024, 9, 30)]
    out = normalize(
        with_base(ChargePeriodStart=[datetime(2024, 10, 1, 1, 0, tzinfo=UTC)]),
        {"ChargePeriodStart": pa.timestamp("ns", tz="+02:00")},
    )
    assert out["charge_day"] == [date(2024, 10, 1)]


def test_rows_without_a_start_are_dropped_and_end_defaults_to_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        out = normalize(
            with_base(
                ChargePeriodStart=[None, "2024-09-02 00:00:00"],
                ChargePeriodEnd=["2024-09-02 01:00:00", None],
            )
        )
    assert out["charge_period_end"] == [datetime(2024, 9, 2, tzinfo=UTC)]
    assert "no ChargePeriodStart" in caplog.text


def test_blank_text_is_null() -> None:
    out = normalize(with_base(RegionId=["", "us-east-1"]))
    assert out["region_id"] == [None, "us-east-1"]


def test_tags_keep_json_objects_and_drop_the_rest_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = '{"env": "prod", "cost_center": 42}'
    with caplog.at_level(logging.WARNING):
        out = normalize(with_base(Tags=[good, "not json", '["a list"]', None, good]))
    assert out["tags"] == [good, None, None, None, good]
    assert "2 row(s)" in caplog.text and "test.csv" in caplog.text


def test_azure_brace_less_tags_are_wrapped() -> None:
    out = normalize(with_base(Tags=['"env": "prod","team": "core"']))
    assert json.loads(out["tags"][0]) == {"env": "prod", "team": "core"}


def test_map_tags_from_parquet_become_json() -> None:
    tags = pa.array([[("env", "prod")], None], pa.map_(pa.string(), pa.string()))
    out = normalize(with_base(Tags=tags.to_pylist()), {"Tags": tags.type})
    assert [json.loads(t) if t else t for t in out["tags"]] == [{"env": "prod"}, None]


def test_batch_to_items_builds_exact_items_with_tag_dicts() -> None:
    raw = pa.RecordBatch.from_pydict(
        {
            **{k: pa.array(v) for k, v in BASE.items()},
            "Tags": pa.array(['{"env": "prod", "n": 3, "flag": true, "none": null}']),
            "SubAccountId": pa.array(["51738928782"]),
        }
    )
    batch = normalize_batch(raw, plan_columns(raw.schema.names, "x.csv"))
    (item,) = batch_to_items(batch)
    assert item.billed_cost == Decimal("1.5") and item.effective_cost == Decimal("1.5")
    assert item.list_cost is None
    assert item.charge_day == date(2024, 9, 18)
    assert item.charge_period_start.utcoffset() is not None
    assert item.tags == {"env": "prod", "n": "3", "flag": "true", "none": ""}
    assert item.sub_account_id == "51738928782"
    assert item.region_id == "" and item.charge_category == "Usage"
