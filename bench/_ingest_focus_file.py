"""Synthetic FOCUS 1.0 exports for the import benchmark, written in chunks (never all in memory).

Same 44 columns as the FinOps sample (`focus_sample.csv`): hourly charges across one month,
amounts with 10 decimal places, `Tags` as JSON text or NULL. Columns are built with numpy and
Arrow, so millions of rows take seconds, not minutes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

HEADER = (
    "AvailabilityZone,BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,"
    "BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,"
    "ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,CommitmentDiscountCategory,"
    "CommitmentDiscountId,CommitmentDiscountName,CommitmentDiscountStatus,"
    "CommitmentDiscountType,ConsumedQuantity,ConsumedUnit,ContractedCost,ContractedUnitPrice,"
    "EffectiveCost,InvoiceIssuerName,ListCost,ListUnitPrice,PricingCategory,PricingQuantity,"
    "PricingUnit,ProviderName,PublisherName,RegionId,RegionName,ResourceId,ResourceName,"
    "ResourceType,ServiceCategory,Id,ServiceName,SkuId,SkuPriceId,SubAccountId,SubAccountName,Tags"
).split(",")
CHUNK_ROWS = 200_000
MONTH_START = int(datetime(2024, 9, 1, tzinfo=UTC).timestamp())
HOURS = 30 * 24
SERVICES = [
    ("Amazon Elastic Compute Cloud", "Compute"), ("Amazon Simple Storage Service", "Storage"),
    ("Amazon Relational Database Service", "Databases"), ("AWS Lambda", "Compute"),
    ("Amazon CloudFront", "Networking"), ("Elastic Load Balancing", "Networking"),
    ("Amazon DynamoDB", "Databases"), ("AmazonCloudWatch", "Management and Governance"),
    ("Amazon Simple Queue Service", "Integration"), ("Amazon Elastic Container Service", "Other"),
]  # fmt: skip
REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1"]
SUB_ACCOUNTS = [f"{100000000000 + i * 7919}" for i in range(20)]
TAGS = [
    json.dumps({"env": env, "team": team, "application": app})
    for env in ("prod", "dev") for team in ("platform", "data", "web") for app in ("api", "etl")
]  # fmt: skip


def _pick(rng: np.random.Generator, options: list[str], n: int) -> pa.Array:
    indices = pa.array(rng.integers(0, len(options), n, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, pa.array(options)).cast(pa.string())


def _amount(rng: np.random.Generator, n: int, high: int) -> pa.Array:
    """Decimal text with 10 places, built from integers (never through a float)."""
    scale = np.int64(10**10)
    units = rng.integers(0, high * scale, n, dtype=np.int64)
    whole = pa.array(units // scale).cast(pa.string())
    fraction = pc.utf8_lpad(pa.array(units % scale).cast(pa.string()), 10, "0")
    return pc.binary_join_element_wise(whole, fraction, ".")


def _const(value: str | None, n: int) -> pa.Array:
    return pa.nulls(n, pa.string()) if value is None else pa.repeat(pa.scalar(value), n)


def chunk(rng: np.random.Generator, first_id: int, n: int) -> pa.Table:
    hour = rng.integers(0, HOURS, n, dtype=np.int64)
    start = pa.array(MONTH_START + hour * 3600, pa.timestamp("s")).cast(pa.string())
    end = pa.array(MONTH_START + (hour + 1) * 3600, pa.timestamp("s")).cast(pa.string())
    service_index = rng.integers(0, len(SERVICES), n, dtype=np.int32)
    services = pa.array([s for s, _ in SERVICES])
    categories = pa.array([c for _, c in SERVICES])
    billed = _amount(rng, n, 3)
    ids = pa.array(np.arange(first_id, first_id + n, dtype=np.int64))
    tags = _pick(rng, [*TAGS, ""], n)
    columns = {name: _const(None, n) for name in HEADER}
    columns.update(
        BilledCost=billed,
        EffectiveCost=billed,
        ListCost=billed,
        ContractedCost=billed,
        BillingAccountId=_const("1234567890123", n),
        BillingAccountName=_const("Bench", n),
        BillingCurrency=_const("USD", n),
        BillingPeriodStart=_const("2024-09-01 00:00:00", n),
        BillingPeriodEnd=_const("2024-10-01 00:00:00", n),
        ChargeCategory=_const("Usage", n),
        ChargeDescription=_const("Usage charge", n),
        ChargeFrequency=_const("Usage-Based", n),
        ChargePeriodStart=start,
        ChargePeriodEnd=end,
        ConsumedQuantity=_amount(rng, n, 10),
        ConsumedUnit=_const("Hours", n),
        ContractedUnitPrice=_amount(rng, n, 1),
        InvoiceIssuerName=_const("Amazon Web Services, Inc.", n),
        ListUnitPrice=_amount(rng, n, 1),
        PricingCategory=_const("Standard", n),
        PricingQuantity=_amount(rng, n, 10),
        PricingUnit=_const("Hours", n),
        ProviderName=_const("AWS", n),
        PublisherName=_const("Amazon Web Services, Inc.", n),
        RegionId=_pick(rng, REGIONS, n),
        ResourceId=pc.binary_join_element_wise(_const("i-", n), ids.cast(pa.string()), ""),
        ServiceName=pc.take(services, pa.array(service_index)),
        ServiceCategory=pc.take(categories, pa.array(service_index)),
        Id=ids.cast(pa.string()),
        SkuId=_pick(rng, ["G95FST5FTYV3JSRX", "JRTCKXETXF", "VXGXCWQKTY"], n),
        SubAccountId=_pick(rng, SUB_ACCOUNTS, n),
        SubAccountName=_const("Bench sub-account", n),
        Tags=pc.if_else(pc.equal(tags, ""), pa.nulls(n, pa.string()), tags),
    )
    return pa.table(columns)


def write(path: Path, rows: int, seed: int = 7) -> int:
    """Streams `rows` rows to `path`; returns the file's size in bytes."""
    rng = np.random.default_rng(seed)
    schema = pa.schema([pa.field(name, pa.string()) for name in HEADER])
    with pa_csv.CSVWriter(str(path), schema) as writer:
        done = 0
        while done < rows:
            n = min(CHUNK_ROWS, rows - done)
            writer.write_table(chunk(rng, done + 1, n).select(HEADER))
            done += n
    return path.stat().st_size
