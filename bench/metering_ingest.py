"""Benchmark: usage events published to JetStream and rated by the metering service.

Publishes `--events` usage events (20 tenants x 5 clusters; allocation changes for cpu, memory
and storage, active-series and log-byte samples) in UsageBatch messages of `--per-message`
events on `costgrid.usage.v1` (as UsageBatch.columns; `--messages`: one UsageEvent each), then
measures in the same run:

  NATS floor  the fastest honest consumer of the same messages in Python, without parsing:
              (a) pull fetches of the service's batch size, one ack per batch (AckPolicy.ALL);
              (b) a plain subscription to a push consumer, one ack per 1,000 messages
              (AckPolicy.ALL). Both run before and after the service (the machine's speed
              drifts); the baseline is the faster of the two, by the mean of its runs;
  metering    the metering service (started in-process) consuming them: its usage workers
              (child processes) each fetch a batch in turn, parse, validate, de-duplicate ids
              and update the running aggregates in one transaction per batch, and ack it.

A service's rate is timed from its first fetch to its last ack (the durable consumer's ack
floor), read from the server. Default sizes: 5, 15 and 50 events per message, once each.

    .venv/bin/python -m bench.metering_ingest [--events 600000] [--per-message 5 15 50]
                                               [--runs 1] [--messages]

Target (issue 22): metering >= 0.3 x the NATS floor at 15 events per message (aim 0.5).
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

from bench import _table as table
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


def _consumer(bus, durable: str, **config: object) -> ConsumerConfig:
    return ConsumerConfig(
        durable_name=durable,
        filter_subject=bus.namespace.subject(USAGE),
        ack_policy=AckPolicy.ALL,
        deliver_policy=DeliverPolicy.ALL,
        **config,
    )


async def fetch_consume(bus, count: int, durable: str, fetch: int) -> float:
    """Pull fetches of `fetch` messages (the service's batch), acking each batch's last."""
    stream = bus.namespace.stream(USAGE_STREAM.name)
    await bus.js.add_consumer(stream, _consumer(bus, durable, max_ack_pending=fetch * 5))
    psub = await bus.js.pull_subscribe_bind(durable, stream=stream)
    got, started = 0, time.perf_counter()
    while got < count:
        messages = await psub.fetch(fetch, timeout=5)
        got += len(messages)
        await messages[-1].ack()
    return time.perf_counter() - started


ACK_EVERY = 1000


async def push_consume(bus, count: int, durable: str) -> float:
    """A plain subscription on a push consumer's subject, acking every ACK_EVERY-th message."""
    stream = bus.namespace.stream(USAGE_STREAM.name)
    inbox = bus.nc.new_inbox()
    done = asyncio.Event()
    got = 0

    async def on_message(msg) -> None:
        nonlocal got
        got += 1
        if got % ACK_EVERY == 0 or got == count:
            await bus.nc.publish(msg.reply, b"+ACK")
        if got == count:
            done.set()

    started = time.perf_counter()
    sub = await bus.nc.subscribe(
        inbox, cb=on_message, pending_msgs_limit=-1, pending_bytes_limit=-1
    )
    await bus.js.add_consumer(
        stream, _consumer(bus, durable, deliver_subject=inbox, max_ack_pending=ACK_EVERY * 20)
    )
    await asyncio.wait_for(done.wait(), 120)
    seconds = time.perf_counter() - started
    await sub.unsubscribe()
    return seconds


async def floors(bus, count: int, fetch: int, when: str) -> dict[str, float]:
    """Seconds of each NATS-only consumer, on durables of their own."""
    return {
        "fetch, ack per batch": await fetch_consume(bus, count, f"floor-fetch-{when}", fetch),
        "subscription, ack per 1,000": await push_consume(bus, count, f"floor-push-{when}"),
    }


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
    """One run: (metering events/s, events/s of the faster NATS floor)."""
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
        before = await floors(bus, len(messages), fetch, "before")
        rated, with_startup = await service_consume(bus, settings, len(messages))
        after = await floors(bus, len(messages), fetch, "after")
        floor = {name: (events / before[name] + events / after[name]) / 2 for name in before}
        for name, rate in floor.items():
            print(
                f"NATS {name:<28} {rate:>10,.0f} events/s ({rate / per_message:,.0f} msgs/s;"
                f" before {events / before[name]:,.0f}, after {events / after[name]:,.0f})"
            )
        rate = events / rated
        print(
            f"metering {'':<28} {rate:>10,.0f} events/s ({len(messages) / rated:,.0f} msgs/s,"
            f" {rated:.2f}s; {events / with_startup:,.0f} events/s counting start-up)"
        )
        return rate, max(floor.values())
    finally:
        await delete_streams(bus)
        await bus.close()
        await drop_run_database(settings)


EVENTS = {"small": 100_000, "default": 600_000, "large": 2_000_000}


def cli() -> list[table.Row]:
    parser = table.arguments(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=EVENTS[table.size()])
    parser.add_argument(
        "--per-message",
        type=int,
        nargs="+",
        default=[5, 15, 50],
        help="events per message; each size is measured on its own",
    )
    parser.add_argument(
        "--messages",
        action="store_true",
        help="publish one UsageEvent message per event, not UsageBatch.columns",
    )
    parser.add_argument("--runs", type=int, default=1, help="runs per size; medians reported")
    args = parser.parse_args()
    rows = []
    for per_message in args.per_message:
        results = []
        for run in range(1, args.runs + 1):
            print(f"--- {per_message} events per message, run {run} of {args.runs}", flush=True)
            results.append(asyncio.run(main(args.events, per_message, not args.messages)))
        rate, floor = (statistics.median(values) for values in zip(*results, strict=True))
        rows.append(
            table.Row(
                "metering_ingest: events/s vs fastest NATS consumer",
                f"{per_message}/msg, {args.events:,} events",
                rate,
                "events/s",
                floor,
                table.at_least(0.3) if per_message == 15 else None,
            )
        )
    return rows


if __name__ == "__main__":
    table.report(cli())
