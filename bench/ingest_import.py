"""Bulk import of a FOCUS export: our import path against COPY of its own output rows.

    .venv/bin/python -m bench.ingest_import [--rows 2000000] [--keep-file]

1. Writes a synthetic FOCUS 1.0 CSV of `--rows` rows (44 columns, streamed to disk).
2. The fair limit: the product's own FOCUS reader and encoder (`focus_producer`) turn that file
   into the 20-column rows it stores, written to a second file; then one client `COPY` of
   those rows into `floor_line_items`, a table made `LIKE cost_line_items INCLUDING ALL`
   and partitioned by month the same way: the same rows into an identically indexed partition.
   Run before and after ours (this machine's speed drifts); the ratio is against their mean.
3. Ours, in a child process (so its peak RSS is its own): the FOCUS reader + replace-window
   storage into `cost_line_items` (month partition, index), daily and tag rollups, and
   `costs.updated` into the outbox - exactly what a FOCUS_FILE sync does.
4. For reference, the old baseline: COPY of the 44-column source file into an unindexed table
   with the export's own columns (numeric amounts, timestamps, jsonb tags).
Also reported: the cores ours kept busy, in the importer and in its PostgreSQL backends (CPU
seconds from /proc over the import's seconds; the server is on this machine).
Then checks ours and the source hold the same total BilledCost. Targets: >= 0.85 of the fair
limit; the importer's peak RSS under 300 MB. Uses its own database, dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

# `python -m bench.ingest_import` without make's PYTHONPATH: the generated protos live in gen/.
sys.path.append(str(Path(__file__).resolve().parents[1] / "gen"))

import asyncpg

from bench import _ingest_focus_file as focus_file
from bench import _table as table
from bench._processes import cpu_seconds, rss_mb
from services.common.db import Database, raw_connection, service_url
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


async def write_output_rows(source: Path, target: Path) -> set[object]:
    """The rows our importer would COPY for `source`, as it encodes them; their months."""
    from services.ingest.connectors.registry import account_config
    from services.ingest.sync.chunks import Owner
    from services.ingest.sync.runner import focus_producer

    config = account_config("FOCUS_FILE", {"path": source.name}, {}, None, source.parent)
    months: set[object] = set()
    with target.open("wb") as handle:
        for chunk in focus_producer(config, Owner(ORG, 1, "FOCUS_FILE"))():
            handle.write(memoryview(chunk.data))
            months |= chunk.months
    return months


async def floor_copy(settings: Settings, rows_file: Path, months: set[object]) -> float:
    """Seconds for one COPY of our own output rows into a fresh, identically indexed table."""
    from services.ingest.sync.chunks import COPY_COLUMNS, NOT_NULL_TEXT

    conn = await connect(settings)
    try:
        await conn.execute("DROP TABLE IF EXISTS floor_line_items")
        await conn.execute(
            "CREATE TABLE floor_line_items (LIKE cost_line_items INCLUDING ALL) "
            "PARTITION BY RANGE (charge_day)"
        )
        for month in sorted(months):  # type: ignore[type-var]
            following = (month + timedelta(days=32)).replace(day=1)  # type: ignore[operator]
            await conn.execute(
                f"CREATE TABLE floor_line_items_{month:%Y_%m} PARTITION OF floor_line_items "
                f"FOR VALUES FROM ('{month}') TO ('{following}')"
            )
        started = time.perf_counter()
        await conn.copy_to_table(
            "floor_line_items",
            source=str(rows_file),
            columns=COPY_COLUMNS,
            format="csv",
            force_not_null=NOT_NULL_TEXT,
        )
        return time.perf_counter() - started
    finally:
        await conn.close()


async def child_import(path: Path) -> dict[str, float]:
    """Runs in the child process: our import path, timed, with this process's peak RSS."""
    from services.ingest.connectors.registry import account_config
    from services.ingest.repository import accounts
    from services.ingest.sync import runner as sync_runner

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
        backends = await backend_cpu(db)
        ours = cpu_seconds(os.getpid())
        started = time.perf_counter()
        result = await sync_runner.store(db, account, None, produce)
        seconds = time.perf_counter() - started
        ours = cpu_seconds(os.getpid()) - ours
        server = sum(cpu - backends.get(pid, 0.0) for pid, cpu in (await backend_cpu(db)).items())
    finally:
        await db.dispose()
    return {
        "rows": result.rows,
        "seconds": seconds,
        "peak_rss_mb": rss_mb(),
        "importer_cores": ours / seconds,
        "postgres_cores": server / seconds,
    }


async def backend_cpu(db: Database) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend of the run's database (ours alone)."""
    async with db.transaction() as session:
        conn = await raw_connection(session)
        pids = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        )
    return {row["pid"]: cpu_seconds(row["pid"]) for row in pids}


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


async def bench(rows: int, keep_file: bool, directory: str | None) -> list[table.Row]:
    os.environ.setdefault("COSTGRID_TEST_RUN_ID", f"bench{uuid.uuid4().hex[:8]}")
    settings = run_settings(*infrastructure_urls())
    path = Path(directory or tempfile.gettempdir()) / f"focus_bench_{rows}.csv"
    output = path.with_suffix(".rows.csv")
    try:
        await (await prepare_database(settings, "ingest")).dispose()
        started = time.perf_counter()
        size = focus_file.write(path, rows)
        print(f"generated {rows:,} FOCUS rows, {size / 2**20:,.0f} MiB, "
              f"in {time.perf_counter() - started:.1f}s -> {path}", flush=True)  # fmt: skip
        months = await write_output_rows(path, output)
        floor_before = await floor_copy(settings, output, months)
        print(f"COPY of our own rows, before: {rows / floor_before:,.0f} rows/s", flush=True)
        ours = run_child(path)
        floor_after = await floor_copy(settings, output, months)
        print(f"COPY of our own rows, after:  {rows / floor_after:,.0f} rows/s", flush=True)
        raw_rows, raw_seconds = await raw_copy(settings, path)
        raw_total, our_total = await totals(settings)
    finally:
        await drop_run_database(settings)
        if not keep_file:
            path.unlink(missing_ok=True)
        output.unlink(missing_ok=True)
    assert raw_total == our_total, f"total BilledCost: source {raw_total}, ours {our_total}"
    floor_rate = (rows / floor_before + rows / floor_after) / 2
    our_rate = ours["rows"] / ours["seconds"]
    print(f"our import (reader + storage + rollups + events): {int(ours['rows']):,} rows "
          f"in {ours['seconds']:.1f}s, {our_rate:,.0f} rows/s; total BilledCost equal")  # fmt: skip
    label = f"{rows:,} FOCUS rows"
    return [
        table.Row(
            "ingest_import: rows/s vs COPY of its own rows",
            label,
            our_rate,
            "rows/s",
            floor_rate,
            table.at_least(0.85),
        ),
        table.Row(
            "ingest_import: rows/s vs COPY of the 44-col source (old)",
            label,
            our_rate,
            "rows/s",
            raw_rows / raw_seconds,
        ),
        table.Row(
            "ingest_import: cores busy during it, importer process",
            label,
            ours["importer_cores"],
            "cores",
        ),
        table.Row(
            "ingest_import: cores busy during it, its PostgreSQL backend",
            label,
            ours["postgres_cores"],
            "cores",
        ),
        table.Row(
            "ingest_import: importer peak RSS",
            label,
            ours["peak_rss_mb"],
            "MB",
            None,
            table.at_most(300, "figure"),
        ),
    ]


ROWS = {"small": 200_000, "default": 2_000_000, "large": 10_000_000}


def main() -> None:
    parser = table.arguments(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS[table.size()])
    parser.add_argument("--keep-file", action="store_true")
    parser.add_argument("--dir", default=None, help="where to write the CSV (default: tmp)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child_import(args.child))))
        return
    table.report(asyncio.run(bench(args.rows, args.keep_file, args.dir)))


if __name__ == "__main__":
    main()
