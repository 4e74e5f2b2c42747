"""GetOverview and a 90-day GetTrend over gRPC for an org holding 10 million line items.

    .venv/bin/python -m bench.ingest_queries [--items 10000000] [--calls 300]

Builds its own database (dropped at the end): synthetic line items COPYed into the month
partitions, rollups derived from them with one INSERT ... SELECT GROUP BY, then the ingest
service's CostQueryService started on the kit and called over gRPC. Beside it, the same
questions asked with a GROUP BY over the raw line items (the baseline), in the same run.
Target: p99 under 25 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

# `python -m bench.ingest_queries` without make's PYTHONPATH: the generated protos live in gen/.
sys.path.append(str(Path(__file__).resolve().parents[1] / "gen"))

import asyncpg
from costgrid.ingest.v1 import service_pb2 as pb
from costgrid.ingest.v1 import service_pb2_grpc as grpc_ingest
from sqlalchemy import make_url

from services.common.caller import Caller
from services.common.clients import channel
from services.common.db import service_url
from services.common.server import ServiceDefinition, prepare_database, runtime_itself, start
from services.common.settings import Settings
from services.ingest import api_queries
from tests.support.infra import drop_run_database, infrastructure_urls, run_settings

ORG = "org-bench"
HISTORY_DAYS = 400
SERVICES_PER_ACCOUNT = 15
REGIONS_PER_ACCOUNT = 3
ACCOUNTS = [  # (provider, currency)
    *[("AWS", "USD")] * 4,
    *[("GCP", "USD")] * 2,
    ("GCP", "GBP"),
    *[("AZURE", "USD")] * 2,
    ("AZURE", "EUR"),
    ("DIGITALOCEAN", "USD"),
    ("FOCUS_FILE", "USD"),
]
COLUMNS = [
    "org_id", "account_id", "provider", "charge_day", "charge_period_start",
    "charge_period_end", "billed_cost", "effective_cost", "billing_currency", "service_name",
    "region_id", "resource_id",
]  # fmt: skip
RAW_OVERVIEW = """
    SELECT billing_currency, account_id, provider,
           sum(billed_cost) FILTER (WHERE charge_day >= $3),
           sum(billed_cost) FILTER (WHERE charge_day < $3)
    FROM cost_line_items WHERE org_id = $1 AND charge_day BETWEEN $2 AND $4
    GROUP BY 1, 2, 3"""
RAW_TREND = """
    SELECT charge_day, billing_currency, sum(billed_cost) FROM cost_line_items
    WHERE org_id = $1 AND charge_day BETWEEN $2 AND $3 GROUP BY 1, 2"""


async def connect(settings: Settings) -> asyncpg.Connection:
    url = service_url(settings, "ingest").set(drivername="postgresql")
    return await asyncpg.connect(
        url.render_as_string(False), server_settings={"search_path": "ingest"}
    )


def month_starts(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


async def create_partitions(conn: asyncpg.Connection, first: date, last: date) -> None:
    """The way the storage layer does: one partition per month."""
    for month in month_starts(first, last):
        end = (month + timedelta(days=32)).replace(day=1)
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS cost_line_items_{month:%Y_%m} PARTITION OF "
            f"cost_line_items FOR VALUES FROM ('{month}') TO ('{end}')"
        )


async def line_items(
    accounts: list[tuple[int, str, str]], first: date, items: int, seed: int = 7
) -> AsyncIterator[bytes]:
    """Tab-separated COPY text, ~1 MB at a time; amounts are integers of micro-units."""
    rng = random.Random(seed)
    combos = [
        (account_id, provider, currency, f"{provider}-svc-{s:02d}", f"{provider.lower()}-r{r}")
        for account_id, provider, currency in accounts
        for s in range(SERVICES_PER_ACCOUNT)
        for r in range(REGIONS_PER_ACCOUNT)
    ]
    slots = len(combos) * HISTORY_DAYS
    per_slot, extra = divmod(items, slots)
    lines: list[str] = []
    slot = 0
    for offset in range(HISTORY_DAYS):
        day = first + timedelta(days=offset)
        period = f"{day}\t{day} 00:00:00+00\t{day + timedelta(days=1)} 00:00:00+00\t"
        growth = 1_000_000 + offset * 2_000  # costs grow over the history
        for account_id, provider, currency, service, region in combos:
            count = per_slot + (1 if slot < extra else 0)
            slot += 1
            head = f"{ORG}\t{account_id}\t{provider}\t{period}"
            tail = f"\t{currency}\t{service}\t{region}\t"
            for j in range(count):
                micros = rng.randrange(1, growth)
                cost = f"{micros // 1_000_000}.{micros % 1_000_000:06d}"
                lines.append(f"{head}{cost}\t{cost}{tail}res-{j}\n")
            if len(lines) >= 8_000:
                yield "".join(lines).encode()
                lines.clear()
    if lines:
        yield "".join(lines).encode()


async def build(settings: Settings, items: int, as_of: date) -> None:
    db = await prepare_database(settings, "ingest")
    await db.dispose()
    conn = await connect(settings)
    try:
        accounts = []
        for i, (provider, currency) in enumerate(ACCOUNTS):
            account_id = await conn.fetchval(
                "INSERT INTO cloud_accounts (org_id, name, provider) VALUES ($1, $2, $3) "
                "RETURNING id",
                ORG,
                f"{provider.title()} {i}",
                provider,
            )
            accounts.append((account_id, provider, currency))
        first = as_of - timedelta(days=HISTORY_DAYS - 1)
        await create_partitions(conn, first, as_of)
        began = time.perf_counter()
        await conn.copy_to_table(
            "cost_line_items", source=line_items(accounts, first, items), columns=COLUMNS
        )
        print(f"COPY of {items:,} line items: {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        await conn.execute("SET work_mem = '256MB'")  # one in-memory hash aggregate
        rollups = await conn.execute(
            "INSERT INTO daily_rollups"
            " (org_id, account_id, day, provider, provider_type, service, region, currency,"
            " amount) SELECT org_id, account_id, charge_day, provider, lower(provider),"
            " service_name, region_id, billing_currency, sum(billed_cost)"
            " FROM cost_line_items WHERE org_id = $1 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8",
            ORG,
        )
        await conn.execute("VACUUM ANALYZE daily_rollups")
        await conn.execute("ANALYZE cost_line_items")
        print(f"rollups derived ({rollups.split()[-1]} rows): {time.perf_counter() - began:.1f} s")
    finally:
        await conn.close()


CPU_MS: dict[int, float] = {}


async def timed(call: Callable[[], Awaitable[object]], warmup: int, calls: int) -> list[float]:
    """Wall ms per call; this process's CPU ms per call (client and service) into CPU_MS."""
    for _ in range(warmup):
        await call()
    samples = []
    cpu = time.process_time()
    for _ in range(calls):
        began = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - began) * 1000)
    CPU_MS[id(samples)] = (time.process_time() - cpu) * 1000 / calls
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[98]


def report(name: str, fast: list[float], raw: list[float]) -> None:
    (p50, p99), (raw50, raw99) = summary(fast), summary(raw)
    verdict = "OK" if p99 < 25 else "OVER TARGET"
    print(
        f"{name:<24} gRPC p50 {p50:6.2f} ms  p99 {p99:6.2f} ms ({len(fast)} calls, {verdict},"
        f" Python CPU {CPU_MS[id(fast)]:.2f} ms/call)"
        f" | raw GROUP BY p50 {raw50:8.1f} ms  p99 {raw99:8.1f} ms ({len(raw)} runs)"
        f" | p50 ratio {raw50 / p50:,.0f}x"
    )


async def measure(settings: Settings, as_of: date, calls: int, raw_runs: int) -> None:
    definition = ServiceDefinition(
        "ingest", runtime_itself, api_queries.register, uses_messaging=False
    )
    running = await start(definition, settings)
    key = settings.context_signing_key.get_secret_value().encode()
    grpc_channel = channel(running.address, key, caller_of=lambda: Caller(ORG, "viewer", "bench"))
    stub = grpc_ingest.CostQueryServiceStub(grpc_channel)
    conn = await connect(settings)
    month_start = as_of.replace(day=1)
    last_month_start = (month_start - timedelta(days=1)).replace(day=1)
    trend_start = as_of - timedelta(days=89)
    questions = {
        "GetOverview": pb.GetOverviewRequest(as_of_date=as_of.isoformat()),
        "GetTrend 90d daily": pb.GetTrendRequest(
            days=90, granularity=pb.GRANULARITY_DAY, as_of_date=as_of.isoformat()
        ),
        "GetTrend 90d by service": pb.GetTrendRequest(
            days=90,
            granularity=pb.GRANULARITY_DAY,
            group_by="service",
            as_of_date=as_of.isoformat(),
        ),
    }
    raw_queries = {
        "GetOverview": (RAW_OVERVIEW, ORG, last_month_start, month_start, as_of),
        "GetTrend 90d daily": (RAW_TREND, ORG, trend_start, as_of),
    }
    try:
        trend = await stub.GetTrend(questions["GetTrend 90d daily"])
        raw_rows = await conn.fetch(RAW_TREND, ORG, trend_start, as_of)
        same = sum(Decimal(p.amount.amount) for p in trend.points) == sum(r[2] for r in raw_rows)
        print(f"90-day totals from rollups and from raw line items agree: {same}")
        raw_samples: dict[str, list[float]] = {}
        for name, (sql, *args) in raw_queries.items():
            raw_samples[name] = await timed(lambda s=sql, a=args: conn.fetch(s, *a), 1, raw_runs)
        for name, request in questions.items():
            method = stub.GetOverview if name == "GetOverview" else stub.GetTrend
            # The by-service answer is wide (~9,000 items): fewer calls keep the run short.
            count = calls if "service" not in name else max(20, calls // 10)
            fast = await timed(lambda m=method, r=request: m(r), 10, count)
            report(name, fast, raw_samples.get(name, raw_samples["GetTrend 90d daily"]))
    finally:
        await conn.close()
        await grpc_channel.close()
        await running.stop(grace=1)


async def main(items: int, calls: int, raw_runs: int) -> None:
    admin_url, nats_url = infrastructure_urls()
    run_id = uuid.uuid4().hex[:8]
    settings = run_settings(
        admin_url,
        nats_url,
        database_url=make_url(admin_url)
        .set(database=f"costgrid_bench_{run_id}")
        .render_as_string(False),
        namespace=f"bench{run_id}",
        db_pool_size=4,
        log_level="ERROR",
    )
    as_of = datetime.now(UTC).date() - timedelta(days=1)
    began = time.perf_counter()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    try:
        await build(settings, items, as_of)
        await measure(settings, as_of, calls, raw_runs)
    finally:
        await drop_run_database(settings)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print(f"total run time {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000_000, help="synthetic line items")
    parser.add_argument("--calls", type=int, default=300, help="measured gRPC calls per question")
    parser.add_argument("--raw-runs", type=int, default=5, help="measured raw GROUP BY runs")
    args = parser.parse_args()
    asyncio.run(main(args.items, args.calls, args.raw_runs))
