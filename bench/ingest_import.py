"""Bulk import of a FOCUS export: our import path against a plain COPY of the same file.

    .venv/bin/python -m bench.ingest_import [--rows 5000000] [--keep-file]

1. Writes a synthetic FOCUS 1.0 CSV of `--rows` rows (44 columns, streamed to disk).
2. Baseline: `COPY` of that file into an unindexed table with the export's own columns
   (numeric amounts, timestamps, jsonb tags).
3. Ours, in a child process (so its peak RSS is its own): the FOCUS reader + replace-window
   storage into `cost_line_items` (month partition, index), daily and tag rollups, and
   `costs.updated` into the outbox - exactly what a FOCUS_FILE sync does.
Then checks both hold the same total BilledCost, and prints rows/s, the ratio (target >= 0.5)
and the importer's peak RSS (target < 300 MB). Uses its own database, dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# `python -m bench.ingest_import` without make's PYTHONPATH: the generated protos live in gen/.
sys.path.append(str(Path(__file__).resolve().parents[1] / "gen"))

import asyncpg

from bench import _ingest_focus_file as focus_file
from services.common.db import Database, service_url
from services.common.server import prepare_database
from services.common.settings import Settings
from tests.support.infra import drop_run_database, infrastructure_urls, run_settings

ORG = "org-bench"
NUMERIC = {
    "BilledCost", "ConsumedQuantity", "ContractedCost", "ContractedUnitPrice", "EffectiveCost",
    "ListCost", "ListUnitPrice", "PricingQuantity",
}  # fmt: skip
TIMESTAMPS = {"BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart"}


def _type(column: str) -> str:
    if column in NUMERIC:
        return "numeric"
    if column in TIMESTAMPS:
        return "timestamp"
    return "jsonb" if column == "Tags" else "text"


RAW_TABLE = "CREATE TABLE raw_focus ({})".format(
    ", ".join(f'"{c}" {_type(c)}' for c in focus_file.HEADER)
)


async def connect(settings: Settings) -> asyncpg.Connection:
    url = service_url(settings, "ingest").set(drivername="postgresql")
    return await asyncpg.connect(
        url.render_as_string(False), server_settings={"search_path": "ingest"}
    )


async def raw_copy(settings: Settings, path: Path) -> tuple[int, float]:
    conn = await connect(settings)
    try:
        await conn.execute(RAW_TABLE)
        started = time.perf_counter()
        status = await conn.copy_to_table("raw_focus", source=str(path), format="csv", header=True)
        return int(status.split()[-1]), time.perf_counter() - started
    finally:
        await conn.close()


async def child_import(path: Path) -> dict[str, float]:
    """Runs in the child process: our import path, timed, with this process's peak RSS."""
    from services.ingest import repository_accounts as accounts
    from services.ingest import sync_runner
    from services.ingest.connectors.registry import account_config

    settings = run_settings(*infrastructure_urls())
    db = Database.for_service(settings, "ingest")
    try:
        async with db.transaction() as session:
            account_id = await accounts.insert(
                session, ORG, "Bench export", "FOCUS_FILE", {"path": path.name}, "", True, None
            )
            account = await accounts.get(session, ORG, account_id or 0)
        assert account is not None
        # The export's directory stands in for the organization's drop folder.
        config = account_config(account.provider, account.settings, {}, None, path.parent)
        produce = sync_runner.focus_producer(config, sync_runner.owner_of(account))
        started = time.perf_counter()
        result = await sync_runner.store(db, account, None, produce)
        seconds = time.perf_counter() - started
    finally:
        await db.dispose()
    return {"rows": result.rows, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process image's high-water RSS. Not getrusage's ru_maxrss: after fork+exec Linux
    carries the parent's peak into it, and the parent held the generator's arrays."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(path: Path) -> dict[str, float]:
    answer = subprocess.run(
        [sys.executable, "-m", "bench.ingest_import", "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
        # As `python -m services.ingest` sets it: Arrow's jemalloc pool keeps RSS flat.
        env={**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "jemalloc"},
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


async def totals(settings: Settings) -> tuple[object, object]:
    conn = await connect(settings)
    try:
        raw = await conn.fetchval('SELECT sum("BilledCost") FROM raw_focus')
        ours = await conn.fetchval(
            "SELECT sum(billed_cost) FROM cost_line_items WHERE org_id = $1", ORG
        )
        rolled = await conn.fetchval("SELECT sum(amount) FROM daily_rollups WHERE org_id = $1", ORG)
        assert ours == rolled, f"rollups {rolled} differ from line items {ours}"
        return raw, ours
    finally:
        await conn.close()


async def bench(rows: int, keep_file: bool, directory: str | None) -> None:
    os.environ.setdefault("COSTGRID_TEST_RUN_ID", f"bench{uuid.uuid4().hex[:8]}")
    settings = run_settings(*infrastructure_urls())
    path = Path(directory or tempfile.gettempdir()) / f"focus_bench_{rows}.csv"
    try:
        await (await prepare_database(settings, "ingest")).dispose()
        started = time.perf_counter()
        size = focus_file.write(path, rows)
        print(f"generated {rows:,} FOCUS rows, {size / 2**20:,.0f} MiB, "
              f"in {time.perf_counter() - started:.1f}s -> {path}", flush=True)  # fmt: skip
        raw_rows, raw_seconds = await raw_copy(settings, path)
        print(f"raw COPY (unindexed table): {raw_rows:,} rows in {raw_seconds:.1f}s", flush=True)
        ours = run_child(path)
        raw_total, our_total = await totals(settings)
    finally:
        await drop_run_database(settings)
        if not keep_file:
            path.unlink(missing_ok=True)
    raw_rate, our_rate = raw_rows / raw_seconds, ours["rows"] / ours["seconds"]
    ratio = our_rate / raw_rate
    print(f"our import (reader + storage + rollups + events): {int(ours['rows']):,} rows "
          f"in {ours['seconds']:.1f}s")  # fmt: skip
    print(f"  raw COPY   {raw_rate:>12,.0f} rows/s")
    print(f"  our import {our_rate:>12,.0f} rows/s")
    print(f"  ratio      {ratio:>12.2f}   (target >= 0.50) {'OK' if ratio >= 0.5 else 'BELOW'}")
    peak = ours["peak_rss_mb"]
    print(f"  peak RSS   {peak:>12.0f} MB (target < 300)  {'OK' if peak < 300 else 'ABOVE'}")
    print(f"  total BilledCost: raw {raw_total} / ours {our_total} "
          f"{'(equal)' if raw_total == our_total else '(DIFFERENT)'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--keep-file", action="store_true")
    parser.add_argument("--dir", default=None, help="where to write the CSV (default: tmp)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child_import(args.child))))
        return
    asyncio.run(bench(args.rows, args.keep_file, args.dir))


if __name__ == "__main__":
    main()
