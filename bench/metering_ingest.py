"""Benchmark: usage events published to JetStream and rated by the metering service.

Publishes `--events` usage events (20 tenants x 5 clusters; allocation changes for cpu, memory
and storage, active-series and log-byte samples) in UsageBatch messages of `--per-message`
events on `costgrid.usage.v1` (as UsageBatch.columns; `--messages`: one UsageEvent each), then
measures in the same run:

  raw       a plain JetStream pull consumer (nats-py fetch, one ack per message) fetching and
            acking the same messages (no parsing), as many per fetch as the service; run
            before and after the service (the machine's speed drifts), the ratio is against
            their mean;
  metering  the metering service (started in-process) consuming them: its two usage workers
            (child processes) each fetch a batch in turn, parse, validate, de-duplicate ids
            and update the running aggregates in one transaction per batch, and ack it.

Both consume the same stream with the same fetch size and the same nats-py calls; a service's
rate is timed from its first fetch to its last ack (the durable consumer's ack floor), read
from the server. Each size runs `--runs` times (default 3) and the medians are printed.

    .venv/bin/python -m bench.metering_ingest [--events 1000000] [--per-message 15] [--runs 3]
                                               [--messages]

Targets (issue 8): metering >= 100,000 events/s and >= 0.5 x raw. The two pull apart as
messages grow (raw gains per event, the service's per-event work stays). Measured on the
2-core machine (2026-11-23), columns: 15 per message 150-159k events/s at 0.61-0.68 x raw
(both targets in every run); 20 per message 120-135k at 0.48-0.51; 10 per message 93-97k at
0.68-0.72. One UsageEvent message per event, 15 per message: 107-109k at 0.47-0.56.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1] / "gen"))

from costgrid.metering.v1 import events_pb2
from costgrid.metering.v1 import service_pb2 as pb
from costgrid.metering.v1 import service_pb2_grpc as grpc_metering
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.common.caller import Caller
from services.common.messaging import (
    USAGE,
    USAGE_STREAM,
    Namespace,
    connect,
    delete_streams,
    ensure_streams,
)
from services.common.server import start
from services.metering.bootstrap import definition
from services.metering.consumers import DURABLE
from services.metering.domain.periods import period_bounds, period_of
from services.metering.settings import MeteringSettings
from tests.support.grpc_client import channel_as
from tests.support.infra import drop_run_database, infrastructure_urls, run_settings

TENANTS, CLUSTERS = 20, 5
METERS = (
    "cpu",
    "memory",
    "storage",
    "metrics_series",
    "logs_bytes",
    "metrics_series",
    "logs_bytes",
)


def batches(
    org: str, events: int, per_message: int, start: int, end: int, columns: bool = False
) -> list[bytes]:
    """Events in time order across the period so far, round-robin over tenants and clusters.

    `columns`: the same events in UsageBatch.columns instead of one UsageEvent each.
    """
    step = (end - start) / events
    messages, batch = [], events_pb2.UsageBatch(org_id=org)
    for i in range(events):
        meter = METERS[i % len(METERS)]
        fields = dict(
            id=uuid.uuid4().hex,
            tenant_id=f"tenant-{i % TENANTS}",
            cluster_id=f"cluster-{(i // TENANTS) % CLUSTERS}",
            meter=meter,
            quantity=str((i * 7) % 64) if meter != "logs_bytes" else str(1000 + i % 5000),
        )
        at = start + int(i * step)
        if columns:
            c = batch.columns
            c.ids.append(fields["id"])
            c.tenant_ids.append(fields["tenant_id"])
            c.cluster_ids.append(fields["cluster_id"])
            c.meters.append(meter)
            c.quantities.append(fields["quantity"])
            c.time_seconds.append(at)
        else:
            event = batch.events.add(**fields)
            allocation = meter in ("cpu", "memory", "storage")
            (event.effective_time if allocation else event.sample_time).seconds = at
        if len(batch.events) == per_message or len(batch.columns.ids) == per_message:
            messages.append(batch.SerializeToString())
            batch = events_pb2.UsageBatch(org_id=org)
    if batch.events or batch.columns.ids:
        messages.append(batch.SerializeToString())
    return messages


async def publish(bus, messages: list[bytes]) -> float:
    subject = bus.namespace.subject(USAGE)
    started = time.perf_counter()
    for chunk in range(0, len(messages), 1000):
        acks = [
            bus.js.publish(subject, data, timeout=30) for data in messages[chunk : chunk + 1000]
        ]
        await asyncio.gather(*acks)
    return time.perf_counter() - started


async def raw_consume(bus, count: int, durable: str, fetch: int) -> float:
    """`fetch`: as many messages per fetch as the service takes."""
    stream = bus.namespace.stream(USAGE_STREAM.name)
    await bus.js.add_consumer(
        stream,
        ConsumerConfig(
            durable_name=durable,
            filter_subject=bus.namespace.subject(USAGE),
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_ack_pending=fetch * 5,
        ),
    )
    psub = await bus.js.pull_subscribe_bind(durable, stream=stream)
    got, started = 0, time.perf_counter()
    while got < count:
        for msg in await psub.fetch(fetch, timeout=5):
            await msg.ack()
            got += 1
    return time.perf_counter() - started


async def service_consume(bus, settings, count: int) -> tuple[float, float]:
    """(seconds from the service's first fetch to its last ack, seconds including start-up)."""
    stream = bus.namespace.stream(USAGE_STREAM.name)
    called = time.perf_counter()
    service = await start(definition(close_interval_seconds=3600), settings)
    first = None
    try:
        while True:
            info = await bus.js.consumer_info(stream, DURABLE)
            if first is None and info.delivered.stream_seq > 0:
                first = time.perf_counter()
            if info.ack_floor.stream_seq >= count:
                done = time.perf_counter()
                return done - (first or called), done - called
            await asyncio.sleep(0.02)
    finally:
        await service.stop(grace=1)


async def setup_tenants(settings, org: str, start_at: int) -> None:
    service = await start(definition(close_interval_seconds=3600), settings)
    try:
        stub = grpc_metering.MeteringServiceStub(
            channel_as(service.address, settings, Caller(org, "admin", "bench"))
        )
        plan = await stub.CreatePlan(
            pb.CreatePlanRequest(
                plan=pb.Plan(
                    name="bench",
                    price_book_name="default",
                    metrics_series_allowance=10**6,
                    logs_bytes_allowance=10**12,
                )
            )
        )
        for t in range(TENANTS):
            request = pb.CreateTenantRequest(
                tenant=pb.Tenant(
                    id=f"tenant-{t}",
                    name=f"Tenant {t}",
                    overage_policy=pb.OVERAGE_POLICY_ALLOWED
                    if t % 2
                    else pb.OVERAGE_POLICY_ENFORCED,
                ),
                plan_id=plan.plan.id,
            )
            request.start_time.seconds = start_at
            await stub.CreateTenant(request)
    finally:
        await service.stop(grace=1)


async def main(events: int, per_message: int, columns: bool) -> tuple[float, float]:
    """One run: (metering events/s, ratio to raw)."""
    settings = run_settings(*infrastructure_urls(), db_pool_size=5, log_level="ERROR")
    fetch = MeteringSettings.extending(settings).metering_usage_fetch
    bus = await connect(settings.nats_url, "bench", Namespace(settings.namespace))
    await ensure_streams(bus)
    try:
        org = f"bench-{uuid.uuid4().hex[:6]}"
        now = int(time.time())
        start_at = period_bounds(period_of(now))[0]
        await setup_tenants(settings, org, start_at)
        messages = batches(org, events, per_message, start_at, now - 1, columns)
        seconds = await publish(bus, messages)
        print(
            f"published  {len(messages):>9,} messages ({events:,} events, "
            f"{'columns' if columns else 'one UsageEvent each'}) in {seconds:6.2f}s",
            flush=True,
        )
        # Raw before and after the service: this machine's speed drifts within a run.
        raw_before = await raw_consume(bus, len(messages), "bench-raw-before", fetch)
        rated, with_startup = await service_consume(bus, settings, len(messages))
        raw_after = await raw_consume(bus, len(messages), "bench-raw-after", fetch)
        raw_rate = (events / raw_before + events / raw_after) / 2
        rate = events / rated
        for label, raw in (("raw before", raw_before), ("raw after", raw_after)):
            print(
                f"{label:<10} {events / raw:>12,.0f} events/s  "
                f"({len(messages) / raw:,.0f} msgs/s, {raw:.2f}s)"
            )
        print(
            f"metering   {rate:>12,.0f} events/s  ({len(messages) / rated:,.0f} msgs/s, {rated:.2f}s; {events / with_startup:,.0f} events/s counting start-up)"
        )
        print(f"ratio      {rate / raw_rate:12.2f} x raw   (against the mean of the two raw runs)")
        return rate, rate / raw_rate
    finally:
        await delete_streams(bus)
        await bus.close()
        await drop_run_database(settings)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--per-message",
        type=int,
        nargs="+",
        default=[15],
        help="events per message; each size is measured on its own",
    )
    parser.add_argument(
        "--messages",
        action="store_true",
        help="publish one UsageEvent message per event, not UsageBatch.columns",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per size (machine is noisy)")
    args = parser.parse_args()
    for per_message in args.per_message:
        results = []
        for run in range(1, args.runs + 1):
            print(f"--- {per_message} events per message, run {run} of {args.runs}", flush=True)
            results.append(asyncio.run(main(args.events, per_message, not args.messages)))
        rates, ratios = zip(*results, strict=True)
        met = sum(rate >= 100_000 and ratio >= 0.5 for rate, ratio in results)
        print(
            f"=== {per_message} per message, {args.runs} runs: median {statistics.median(rates):,.0f}"
            f" events/s (min {min(rates):,.0f}), median {statistics.median(ratios):.2f} x raw "
            f"(min {min(ratios):.2f}); both targets (>= 100,000 events/s and >= 0.5 x raw) met "
            f"in {met} of {args.runs}",
            flush=True,
        )
