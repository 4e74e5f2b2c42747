"""The meters metering knows, their units, and the fixed conversions rating relies on."""

from __future__ import annotations

from decimal import Decimal

# Allocations hold a quantity from their effective time until the next change.
ALLOCATION_UNITS = {"cpu": "vCPU", "memory": "GiB", "storage": "GiB"}
# Samples happen at one moment: active-series counts and log bytes ingested.
SAMPLE_UNITS = {"metrics_series": "series", "logs_bytes": "bytes"}
METRICS = "metrics_series"
LOGS = "logs_bytes"
METERS = (*ALLOCATION_UNITS, METRICS, LOGS)

# What each price-book rate is per; allocations are billed per hour of holding.
RATE_UNITS = {
    "cpu": "vCPU-hour",
    "memory": "GiB-hour",
    "storage": "GiB-hour",
    METRICS: "series-month",
    LOGS: "GB-month",
}
# Logs overage is priced per GB: decimal gigabytes (10^9 bytes), as log vendors bill.
BYTES_PER_GB = Decimal(1_000_000_000)
SECONDS_PER_HOUR = 3600

DEFAULT_BOOK = "default"
DEFAULT_RATES = {
    "cpu": Decimal("0.030"),
    "memory": Decimal("0.006"),
    "storage": Decimal("0.000116"),
    METRICS: Decimal("0.003"),
    LOGS: Decimal("0.30"),
}


def unit_of(meter: str) -> str:
    return ALLOCATION_UNITS.get(meter) or SAMPLE_UNITS[meter]
