"""FOCUS_FILE connector end to end: the real FOCUS 1.0 sample (CSV, gzip, Parquet, S3 via moto's
server), a FOCUS 1.2-style export, broken files, and bounded memory on a large file."""

from __future__ import annotations

import csv
import gzip
import shutil
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import boto3
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from moto.server import ThreadedMotoServer

from services.ingest.connectors.base import (
    AccountConfig,
    ConnectorConfigError,
    ProviderResponseError,
)
from services.ingest.connectors.focus import (
    FOCUS_SCHEMA,
    FocusFileConnector,
    iter_focus_batches,
    iter_sources,
)
from services.ingest.domain.cost_items import CostLineItem, DateWindow
from tests.support.infra import FOCUS_SAMPLE

SAMPLE = FOCUS_SAMPLE
README_TOTALS = {  # data/samples/focus-1.0/README.md
    "AWS": Decimal("18.00663861840"),
    "Microsoft": Decimal("1.97651418586"),
    "Oracle": Decimal("0.53707392473"),
}
SEPTEMBER = DateWindow(date(2024, 9, 1), date(2024, 9, 30))


def connector(**settings: str) -> FocusFileConnector:
    """An absolute `path` becomes its folder (the org's drop folder) plus a relative path."""
    path = settings.get("path")
    if path and Path(path).is_absolute():
        whole = Path(path)
        folder, rel = (whole, ".") if whole.is_dir() else (whole.parent, whole.name)
        settings = {**settings, "path": rel, "folder": str(folder)}
    return FocusFileConnector(AccountConfig(provider="FOCUS_FILE", settings=settings))


def totals(items: list[CostLineItem]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        sums[item.provider_name] += item.billed_cost
    return dict(sums)


def assert_sample_imported(items: list[CostLineItem]) -> None:
    assert len(items) == 1000
    assert totals(items) == README_TOTALS
    assert Counter(i.provider_name for i in items) == {"AWS": 942, "Microsoft": 51, "Oracle": 7}
    credit = [i for i in items if i.charge_category == "Credit"]
    assert len(credit) == 1 and credit[0].billed_cost < 0
    assert sum(i.charge_category == "Adjustment" for i in items) == 2


@pytest.fixture(scope="module")
def sample_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    table = pa_csv.read_csv(
        SAMPLE,
        convert_options=pa_csv.ConvertOptions(
            null_values=["NULL"],
            strings_can_be_null=True,
            # As an exporter would write it: typed amounts and timestamps.
            column_types={
                "BilledCost": pa.decimal128(20, 11),
                "EffectiveCost": pa.decimal128(20, 11),
                "ListCost": pa.decimal128(20, 11),
                "ChargePeriodStart": pa.timestamp("ms"),
                "ChargePeriodEnd": pa.timestamp("ms"),
            },
        ),
    )
    path = tmp_path_factory.mktemp("parquet") / "focus_sample.snappy.parquet"
    pq.write_table(table, path, row_group_size=300)
    return path


def test_sample_csv_imports_to_the_readme_totals() -> None:
    items = list(connector(path=str(SAMPLE)).fetch(SEPTEMBER))
    assert_sample_imported(items)
    # `NULL` is null: the sample's 7 rows without a region and 75 without a resource.
    assert sum(i.region_id == "" for i in items) == 7
    assert sum(i.resource_id == "" for i in items) == 75
    assert all(i.list_cost is not None for i in items)
    tagged = [i for i in items if i.tags]
    assert len(tagged) == 711
    assert {"application", "environment", "business_unit"} <= set(tagged[0].tags)


def test_hourly_periods_map_to_their_day_and_the_window_filters_by_day() -> None:
    late = [
        i
        for i in connector(path=str(SAMPLE)).fetch(DateWindow(date(2024, 9, 30), date(2024, 9, 30)))
    ]
    assert late and all(i.charge_day == date(2024, 9, 30) for i in late)
    h = next(i for i in late if i.charge_period_start.hour == 23)
    assert h.charge_period_end == datetime(2024, 10, 1, tzinfo=UTC)  # ends next day, counts here
    every_day = Counter(i.charge_day for i in connector(path=str(SAMPLE)).fetch(SEPTEMBER))
    assert sum(every_day.values()) == 1000
    assert (
        len(
            list(
                connector(path=str(SAMPLE)).fetch(DateWindow(date(2024, 10, 1), date(2024, 10, 31)))
            )
        )
        == 0
    )


def test_gzip_and_parquet_give_the_same_totals(tmp_path: Path, sample_parquet: Path) -> None:
    gz = tmp_path / "export-00001.csv.gz"
    with SAMPLE.open("rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    assert_sample_imported(list(connector(path=str(gz)).fetch(SEPTEMBER)))
    assert_sample_imported(list(connector(path=str(sample_parquet)).fetch(SEPTEMBER)))
    # gzip is recognised by its bytes too, whatever the file is called.
    disguised = tmp_path / "plain-name.csv"
    shutil.copy(gz, disguised)
    assert_sample_imported(list(connector(path=str(disguised)).fetch(SEPTEMBER)))


def test_batches_have_the_one_normalized_schema(sample_parquet: Path) -> None:
    for source in (SAMPLE, sample_parquet):
        batches = list(iter_focus_batches(source, batch_rows=256))
        assert sum(b.num_rows for b in batches) == 1000
        assert all(b.schema == FOCUS_SCHEMA for b in batches)
        assert max(b.num_rows for b in batches) <= 1000
    assert FOCUS_SCHEMA.field("billed_cost").type == pa.decimal128(38, 12)


def test_directory_is_scanned_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b" / "deep").mkdir(parents=True)
    shutil.copy(SAMPLE, tmp_path / "b" / "deep" / "part-2.csv")
    shutil.copy(SAMPLE, tmp_path / "a-part-1.csv")
    (tmp_path / "manifest.json").write_text("{}")
    settings = {"path": ".", "folder": str(tmp_path)}
    sources = iter_sources(AccountConfig(provider="FOCUS_FILE", settings=settings))
    assert [s.name for s in sources] == ["a-part-1.csv", "b/deep/part-2.csv"]
    items = list(connector(path=str(tmp_path)).fetch(SEPTEMBER))
    assert totals(items) == {k: 2 * v for k, v in README_TOTALS.items()}


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_account(endpoint: str, uri: str) -> AccountConfig:
    return AccountConfig(
        provider="FOCUS_FILE",
        settings={"s3_uri": uri, "region": "us-east-1"},
        credentials={"access_key_id": "testing", "secret_access_key": "testing"},
        endpoint=endpoint,
    )


def test_s3_prefix_streams_csv_gzip_and_parquet(s3_server: str, sample_parquet: Path) -> None:
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket="billing")
    prefix = "focus/export/data/BILLING_PERIOD=2024-09/"
    s3.put_object(
        Bucket="billing",
        Key=prefix + "export-00001.csv.gz",
        Body=gzip.compress(SAMPLE.read_bytes()),
    )
    s3.put_object(Bucket="billing", Key="focus/export/metadata/Manifest.json", Body=b"{}")
    s3.put_object(Bucket="billing", Key="elsewhere/other.csv", Body=SAMPLE.read_bytes())

    account = s3_account(s3_server, "s3://billing/focus/export/")
    conn = FocusFileConnector(account)
    assert conn.test_connection().ok
    assert [s.name for s in iter_sources(account)] == [f"s3://billing/{prefix}export-00001.csv.gz"]
    assert_sample_imported(list(conn.fetch(SEPTEMBER)))

    s3.put_object(Bucket="billing", Key="pq/focus.parquet", Body=sample_parquet.read_bytes())
    assert_sample_imported(
        list(FocusFileConnector(s3_account(s3_server, "s3://billing/pq/")).fetch(SEPTEMBER))
    )

    missing = FocusFileConnector(s3_account(s3_server, "s3://no-such-bucket/x/")).test_connection()
    assert not missing.ok and "bucket does not exist" in missing.message
    empty = FocusFileConnector(
        s3_account(s3_server, "s3://billing/nothing-here/")
    ).test_connection()
    assert not empty.ok and "no FOCUS export files" in empty.message


FOCUS_12_HEADER = [
    "BilledCost", "BillingCurrency", "ChargeCategory", "ChargePeriodEnd", "ChargePeriodStart",
    "ContractedCost", "EffectiveCost", "HostProviderName", "InvoiceIssuerName", "ListCost",
    "RegionId", "ResourceId", "ServiceCategory", "ServiceName", "ServiceProviderName",
    "ServiceSubcategory", "SubAccountId", "SubAccountName", "SubAccountType", "Tags",
    "x_BilledCost", "x_ServiceCode",
]  # fmt: skip


def write_focus_12(path: Path, drop: str | None = None) -> None:
    rows = [
        ["10.25", "EUR", "Usage", "2024-11-02T00:00:00Z", "2024-11-01T00:00:00Z", "11", "9.75",
         "Microsoft", "Microsoft", "12.00", "westeurope", "/subscriptions/s1/vm1", "Compute",
         "Virtual Machines", "Microsoft", "Virtual Machines", "s1", "Prod", "Subscription",
         '{"env": "prod"}', "999", "VM"],
        ["-1.5", "EUR", "Credit", "2024-11-03T00:00:00Z", "2024-11-02T00:00:00Z", "", "-1.5",
         "Microsoft", "Microsoft", "", "", "", "Compute", "Virtual Machines", "Microsoft",
         "Virtual Machines", "s1", "Prod", "Subscription", "", "0", "VM"],
    ]  # fmt: skip
    keep = [i for i, h in enumerate(FOCUS_12_HEADER) if h != drop]
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow([FOCUS_12_HEADER[i] for i in keep])
        out.writerows([[row[i] for i in keep] for row in rows])


def test_focus_12_style_export_reads_correctly(tmp_path: Path) -> None:
    write_focus_12(tmp_path / "focus12.csv")
    items = list(
        connector(path=str(tmp_path)).fetch(DateWindow(date(2024, 11, 1), date(2024, 11, 30)))
    )
    assert [(i.provider_name, i.billed_cost, i.charge_day) for i in items] == [
        ("Microsoft", Decimal("10.25"), date(2024, 11, 1)),  # not x_BilledCost's 999
        ("Microsoft", Decimal("-1.5"), date(2024, 11, 2)),
    ]
    first, credit = items
    assert first.billing_currency == "EUR" and first.effective_cost == Decimal("9.75")
    assert first.list_cost == Decimal(12) and first.tags == {"env": "prod"}
    assert credit.list_cost is None and credit.region_id == "" and credit.tags == {}
    assert credit.charge_category == "Credit"


def test_missing_required_column_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "no-currency.csv"
    write_focus_12(bad, drop="BillingCurrency")
    with pytest.raises(ProviderResponseError) as err:
        list(iter_focus_batches(bad))
    assert "BillingCurrency" in err.value.message and str(bad) in err.value.message
    check = connector(path=str(bad)).test_connection()
    assert not check.ok and "BillingCurrency" in check.message and bad.name in check.message
    assert str(tmp_path) not in check.message  # names relative to the org's folder only


def test_bad_tags_json_costs_the_tags_not_the_file(tmp_path: Path) -> None:
    text = SAMPLE.read_text().replace('""environment"": ""dev""', '""environment"" ""dev""', 5)
    broken = tmp_path / "broken-tags.csv"
    broken.write_text(text)
    items = list(connector(path=str(broken)).fetch(SEPTEMBER))
    assert_sample_imported(items)
    assert sum(bool(i.tags) for i in items) < 711


def test_unusable_settings_and_paths_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(ConnectorConfigError):
        FocusFileConnector(
            AccountConfig(provider="FOCUS_FILE", settings={"path": "a", "s3_uri": "s3://b/"})
        )
    gone = connector(path=str(tmp_path / "missing")).test_connection()
    assert not gone.ok and "does not exist" in gone.message
    empty = connector(path=str(tmp_path)).test_connection()
    assert not empty.ok and "no FOCUS export files" in empty.message
    garbled = tmp_path / "garbled.csv"
    garbled.write_text("BilledCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ServiceName\n"
                       "abc,USD,2024-09-01 00:00:00,2024-09-01 01:00:00,S3\n")  # fmt: skip
    bad_value = connector(path=str(garbled)).test_connection()
    assert not bad_value.ok and "BilledCost" in bad_value.message


def write_large_csv(path: Path, copies: int) -> int:
    header, body = SAMPLE.read_bytes().split(b"\n", 1)
    with path.open("wb") as f:
        f.write(header + b"\n")
        for _ in range(copies):
            f.write(body)
    return copies * 1000


def peak_while_streaming(path: Path) -> tuple[int, int, int, float]:
    """(rows, peak Arrow bytes, peak Python bytes, seconds) for one pass of the batch reader."""
    tracemalloc.start()
    rows, arrow_peak, started = 0, 0, time.perf_counter()
    for batch in iter_focus_batches(path):
        rows += batch.num_rows
        arrow_peak = max(arrow_peak, pa.total_allocated_bytes())
    elapsed = time.perf_counter() - started
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return rows, arrow_peak, python_peak, elapsed


def test_streaming_keeps_memory_bounded_on_a_large_file(tmp_path: Path) -> None:
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    # Past ~100k rows the reader's footprint plateaus (read-ahead blocks + one batch).
    write_large_csv(small, 120)
    expected = write_large_csv(large, 360)
    rows_small, arrow_small, _, _ = peak_while_streaming(small)
    rows, arrow_peak, python_peak, elapsed = peak_while_streaming(large)
    assert (rows_small, rows) == (120_000, expected)
    size = large.stat().st_size
    print(
        f"\nFOCUS CSV streaming: {rows:,} rows ({size / 2**20:.0f} MiB) in {elapsed:.2f} s ="
        f" {rows / elapsed:,.0f} rows/s; peak Arrow memory {arrow_peak / 2**20:.0f} MiB"
        f" (file of 120k rows: {arrow_small / 2**20:.0f} MiB), Python {python_peak / 2**20:.1f} MiB"
    )
    # Three times the rows, (nearly) the same memory, and far below the file itself.
    assert arrow_peak < 1.3 * arrow_small + 16 * 2**20
    assert arrow_peak < min(size / 2, 160 * 2**20)
    assert python_peak < 16 * 2**20
