"""Benchmark: a usage worker's memory as the events of one billing period pile up.

    .venv/bin/python -m bench.metering_memory [--events 1000000] [--per-message 15]

Publishes usage events of the current period (as bench.metering_ingest does), starts the
metering service in-process and lets its usage workers (child processes) apply them all; the
figure is the highest worker's peak RSS (VmHWM). Done twice, fresh each time, at a fifth of
`--events` and at `--events`: the difference of the two peaks over the difference of events
is the worker's growth per event of a period (batch buffers and start-up cost the same in
both, so they cancel), and the peak at `--events` plus that growth up to 10,000,000 events is
the figure at 10M. The default run uses fewer than 10M events, so that last figure is an
extrapolation, and its size says so; `--events 10000000` measures it.
Target (issue 22): under 300 MB at 10M events in a period.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
import uuid

from bench import _table as table
from bench._processes import rss_mb
from bench.metering_ingest import batches, publish, setup_tenants
from services.common.messaging import (
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
from tests.support.infra import drop_run_database, infrastructure_urls, run_settings

EVENTS = {"small": 200_000, "default": 1_000_000, "large": 10_000_000}
TEN_MILLION = 10_000_000


async def wait_applied(bus, messages: int) -> None:
    stream = bus.namespace.stream(USAGE_STREAM.name)
    while True:  # the server's ack floor, polled: nothing here is told when it moves
        if (await bus.js.consumer_info(stream, DURABLE)).ack_floor.stream_seq >= messages:
            return
        await asyncio.sleep(0.2)


async def peak_at(events: int, per_message: int) -> float:
    """The highest usage worker's peak RSS (MB) once `events` events of one period are applied."""
    settings = run_settings(*infrastructure_urls(), db_pool_size=5, log_level="ERROR")
    bus = await connect(settings.nats_url, "bench", Namespace(settings.namespace))
    await ensure_streams(bus)
    try:
        org = f"bench-{uuid.uuid4().hex[:6]}"
        now = int(time.time())
        start_at = period_bounds(period_of(now))[0]
        await setup_tenants(settings, org, start_at)
        messages = batches(org, events, per_message, start_at, now - 1, columns=True)
        await publish(bus, messages)
        count = len(messages)
        del messages[:]  # the bench's own copy must not sit beside the workers' memory
        service = await start(definition(close_interval_seconds=3600), settings)
        try:
            await wait_applied(bus, count)
            peak = max(rss_mb(p.pid) for p in multiprocessing.active_children())
        finally:
            await service.stop(grace=1)
    finally:
        await delete_streams(bus)
        await bus.close()
        await drop_run_database(settings)
    print(f"worker peak RSS {peak:.0f} MB at {events:,} events", flush=True)
    return peak


async def measure(events: int, per_message: int) -> list[table.Row]:
    fewer = events // 5
    low, peak = await peak_at(fewer, per_message), await peak_at(events, per_message)
    per_event = (peak - low) / (events - fewer)
    if per_event < 0:
        raise SystemExit(f"peak RSS fell from {low:.0f} to {peak:.0f} MB: too noisy to judge")
    at_ten_million = peak + per_event * max(0, TEN_MILLION - events)
    estimated = " (extrapolated)" if events < TEN_MILLION else ""
    print(f"growth {per_event * 2**20:,.0f} bytes per event; at 10M: {at_ten_million:.0f} MB")
    size = f"{events:,} events, 1 period"
    return [
        table.Row("metering_memory: worker peak RSS", size, peak, "MB"),
        table.Row(
            "metering_memory: worker RSS growth per event",
            f"{fewer:,} -> {events:,} events",
            per_event * 2**20,
            "B",
        ),
        table.Row(
            "metering_memory: worker peak RSS",
            f"10M events, 1 period{estimated}",
            at_ten_million,
            "MB",
            None,
            table.at_most(300, "figure"),
        ),
    ]


def main() -> list[table.Row]:
    parser = table.arguments(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=EVENTS[table.size()])
    parser.add_argument("--per-message", type=int, default=15)
    args = parser.parse_args()
    return asyncio.run(measure(args.events, args.per_message))


if __name__ == "__main__":
    table.report(main())
