"""Benchmark: a usage worker's memory as the events of one billing period pile up.

    .venv/bin/python -m bench.metering_memory [--events 1000000] [--per-message 15]

Publishes `--events` usage events of the current period (as bench.metering_ingest does), starts
the metering service in-process and, while its usage workers (child processes) apply them,
samples each worker's RSS beside the events applied so far (the durable's ack floor). Figures:
the highest worker's peak RSS (VmHWM) at `--events`, its growth per applied event (a
least-squares slope over the second half of the run, past start-up), and the peak extrapolated
linearly to 10,000,000 events in a period. The default run uses fewer than 10M events, so that
last figure is an extrapolation, and says so; `--events 10000000` measures it.
Target (issue 22): under 300 MB at 10M events in a period.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
import uuid

import numpy as np

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


async def sample_workers(bus, messages: int, per_message: int) -> list[tuple[int, float]]:
    """(events applied, highest worker RSS in MB) every 0.2 s until every message is acked."""
    stream = bus.namespace.stream(USAGE_STREAM.name)
    samples = []
    while True:
        info = await bus.js.consumer_info(stream, DURABLE)
        rss = [rss_mb(p.pid, "VmRSS") for p in multiprocessing.active_children()]
        if rss:
            samples.append((info.ack_floor.stream_seq * per_message, max(rss)))
        if info.ack_floor.stream_seq >= messages:
            return samples
        await asyncio.sleep(0.2)


async def measure(events: int, per_message: int) -> list[table.Row]:
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
        del messages[:]  # the bench's own copy must not sit beside the workers' memory
        service = await start(definition(close_interval_seconds=3600), settings)
        try:
            samples = await sample_workers(bus, -(-events // per_message), per_message)
            peak = max(rss_mb(p.pid) for p in multiprocessing.active_children())
        finally:
            await service.stop(grace=1)
    finally:
        await delete_streams(bus)
        await bus.close()
        await drop_run_database(settings)
    late = [(n, mb) for n, mb in samples if n >= events / 2] or samples
    slope = float(np.polyfit(*zip(*late, strict=True), 1)[0]) if len(late) > 1 else 0.0
    extrapolated = peak + slope * max(0, TEN_MILLION - events)
    print(
        f"worker peak RSS {peak:.0f} MB at {events:,} events; growth {slope * 2**20:,.0f} "
        f"bytes per event ({len(late)} samples); at 10M events: {extrapolated:.0f} MB"
        f"{' (extrapolated)' if events < TEN_MILLION else ''}"
    )
    size = f"{events:,} events, 1 period"
    ten_million = "10M events, 1 period" + (" (extrapolated)" if events < TEN_MILLION else "")
    return [
        table.Row("metering_memory: worker peak RSS", size, peak, "MB"),
        table.Row("metering_memory: worker RSS growth per event", size, slope * 2**20, "B"),
        table.Row(
            "metering_memory: worker peak RSS",
            ten_million,
            extrapolated,
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
