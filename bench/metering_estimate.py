"""Benchmark: GetCurrentEstimate latency for a tenant with 1,000,000 usage events in the period.

Records `--events` events for one tenant through RecordUsage (10,000 per call; 10 clusters;
cpu/memory/storage allocation changes, active-series samples with ~1,000 distinct values per
cluster, log-byte samples) spread over the period so far, then times `--calls` sequential
GetCurrentEstimate calls over gRPC. Baseline in the same run: GetTenant (a one-row read through
the same server, interceptors and pool).

    .venv/bin/python -m bench.metering_estimate [--events 1000000] [--calls 300]

Target (issue 8): p99 under 50 ms. The estimate reads running aggregates only, so its cost
does not grow with the number of events.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1] / "gen"))

from costgrid.metering.v1 import service_pb2 as pb
from costgrid.metering.v1 import service_pb2_grpc as grpc_metering

from bench import _table as table
from services.common.caller import Caller
from services.common.messaging import Namespace, connect, delete_streams, ensure_streams
from services.common.server import start
from services.metering.bootstrap import definition
from services.metering.domain.periods import period_bounds, period_of
from tests.support.grpc_client import channel_as
from tests.support.infra import drop_run_database, infrastructure_urls, run_settings

CLUSTERS = 10
METERS = (
    "cpu",
    "memory",
    "storage",
    "metrics_series",
    "logs_bytes",
    "metrics_series",
    "logs_bytes",
)
PER_CALL = 10_000


def events(tenant: str, count: int, first: int, start: int, end: int) -> list[pb.UsageEvent]:
    step = (end - start) / count
    out = []
    for i in range(first, min(first + PER_CALL, count)):
        meter = METERS[i % len(METERS)]
        quantity = {"metrics_series": 5000 + (i * 31) % 1000, "logs_bytes": 1000 + i % 5000}.get(
            meter, (i * 7) % 64
        )
        event = pb.UsageEvent(
            id=uuid.uuid4().hex,
            tenant_id=tenant,
            cluster_id=f"cluster-{i % CLUSTERS}",
            meter=meter,
            quantity=str(quantity),
        )
        (
            event.effective_time if meter in ("cpu", "memory", "storage") else event.sample_time
        ).seconds = start + int(i * step)
        out.append(event)
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def timed(call, count: int) -> list[float]:
    for _ in range(20):  # warm-up: connections, prepared statements
        await call()
    out = []
    for _ in range(count):
        started = time.perf_counter()
        await call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def line(name: str, ms: list[float]) -> str:
    return f"{name:<20} n={len(ms)}  p50={percentile(ms, 50):6.1f} ms  p90={percentile(ms, 90):6.1f} ms  p99={percentile(ms, 99):6.1f} ms  max={max(ms):6.1f} ms"


async def main(count: int, calls: int) -> list[table.Row]:
    settings = run_settings(*infrastructure_urls(), db_pool_size=5, log_level="ERROR")
    bus = await connect(settings.nats_url, "bench", Namespace(settings.namespace))
    await ensure_streams(bus)
    service = await start(definition(close_interval_seconds=3600), settings)
    try:
        org = f"bench-{uuid.uuid4().hex[:6]}"
        stub = grpc_metering.MeteringServiceStub(
            channel_as(service.address, settings, Caller(org, "admin", "bench"))
        )
        plan = (
            await stub.CreatePlan(
                pb.CreatePlanRequest(
                    plan=pb.Plan(
                        name="bench",
                        price_book_name="default",
                        metrics_series_allowance=20_000,
                        logs_bytes_allowance=10**9,
                    )
                )
            )
        ).plan
        now = int(time.time())
        start_at = period_bounds(period_of(now))[0]
        request = pb.CreateTenantRequest(
            tenant=pb.Tenant(id="big", name="Big", overage_policy=pb.OVERAGE_POLICY_ALLOWED),
            plan_id=plan.id,
        )
        request.start_time.seconds = start_at
        await stub.CreateTenant(request)

        loading = time.perf_counter()
        for first in range(0, count, PER_CALL):
            await stub.RecordUsage(
                pb.RecordUsageRequest(events=events("big", count, first, start_at, now - 1))
            )
        print(
            f"recorded {count:,} events through RecordUsage in {time.perf_counter() - loading:.1f}s",
            flush=True,
        )

        estimate = pb.GetCurrentEstimateRequest(tenant_id="big")
        baseline = await timed(lambda: stub.GetTenant(pb.GetTenantRequest(tenant_id="big")), calls)
        latencies = await timed(lambda: stub.GetCurrentEstimate(estimate), calls)
        result = await stub.GetCurrentEstimate(estimate)
        print(f"estimate total {result.total.amount} {result.total.currency_code}")
        print(line("GetTenant (baseline)", baseline))
        print(line("GetCurrentEstimate", latencies))
        return [
            table.Row(
                "metering_estimate: p99 GetCurrentEstimate vs GetTenant",
                f"{count:,} events",
                percentile(latencies, 99),
                "ms",
                percentile(baseline, 99),
                table.at_most(50, "figure"),
            )
        ]
    finally:
        await service.stop(grace=1)
        await delete_streams(bus)
        await bus.close()
        await drop_run_database(settings)


EVENTS = {"small": 50_000, "default": 1_000_000, "large": 10_000_000}

if __name__ == "__main__":
    parser = table.arguments(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=EVENTS[table.size()])
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    table.report(asyncio.run(main(args.events, args.calls)))
