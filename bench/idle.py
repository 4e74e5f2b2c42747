"""CPU each service burns doing nothing: the six services as processes, idle, read from /proc.

    .venv/bin/python -m bench.idle [--seconds 20] [--settle 5]

Starts every service as `make run` does (`python -m services.<svc>`, own database and NATS
namespace, no demo data, no traffic), waits until each answers SERVING, lets start-up work
settle, then reads each process tree's user + system CPU time (metering's usage workers
count to metering) at the start and end of `--seconds`. Figure: percent of one core.
Target: under 0.5% per idle service.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1] / "gen"))

from bench import _table as table
from bench._processes import cpu_seconds, start_suite
from services.common.settings import SERVICES
from tests.support.infra import drop_run_database, infrastructure_urls, run_settings
from tools.run import wait_serving

SECONDS = {"small": 5.0, "default": 20.0, "large": 60.0}


def measure(seconds: float, settle: float) -> list[table.Row]:
    settings = run_settings(*infrastructure_urls())
    suite = start_suite(settings, SERVICES)
    try:
        for service in SERVICES:
            wait_serving(suite.address(service), timeout=120)
        time.sleep(settle)
        pids = {s: p.pid for s, p in suite.processes.items()}
        before = {s: cpu_seconds(pid) for s, pid in pids.items()}
        began = time.monotonic()
        time.sleep(seconds)
        wall = time.monotonic() - began
        used = {s: cpu_seconds(pid) - before[s] for s, pid in pids.items()}
    finally:
        suite.stop()
        asyncio.run(drop_run_database(settings))
    size = f"{wall:.0f} s idle"
    rows = [
        table.Row(
            f"idle: {s} CPU",
            size,
            100 * used[s] / wall,
            "% core",
            None,
            table.at_most(0.5, "figure"),
        )
        for s in SERVICES
    ]
    rows.append(table.Row("idle: whole suite CPU", size, 100 * sum(used.values()) / wall, "% core"))
    return rows


def main() -> list[table.Row]:
    parser = table.arguments(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=SECONDS[table.size()])
    parser.add_argument("--settle", type=float, default=5.0, help="wait after all are serving")
    args = parser.parse_args()
    return measure(args.seconds, args.settle)


if __name__ == "__main__":
    table.report(main())
