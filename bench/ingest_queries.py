"""Cost questions over gRPC beside the same SQL through asyncpg, as the rollups grow.

    .venv/bin/python -m bench.ingest_queries [--accounts 20 100 200] [--seconds 4]

Builds its own database (dropped at the end) and grows one org's daily rollups in steps
(bench/_rollup_data.py: each account spends on 20 of 200 services in 3 of 20 regions over
400 days, 24,000 rollup rows per account; `--size large` ends at 1,000 accounts). At each
step it asks GetOverview, a 90-day daily GetTrend, and 90-day trends grouped by service,
region and account, of the ingest service's CostQueryService started on the kit and called
over gRPC.

The floor of each question is the SQL the service itself sends for it: captured from the
service's engine during one call, then replayed through a plain asyncpg connection, as the
service's role, in one transaction, as the service runs it. Product and floor calls alternate
for `--seconds` (at least 10 of each), so the machine's noise falls on both.
Targets (issue 22): overview and trend p99 within 2x of their floor; grouped trends p99 under
25 ms (judged at the large size: 1,000 accounts x 200 services x 20 regions x 400 days).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parents[1] / "gen"))

import asyncpg
from costgrid.ingest.v1 import service_pb2 as pb
from costgrid.ingest.v1 import service_pb2_grpc as grpc_ingest
from sqlalchemy import event, make_url

from bench import _rollup_data as data
from bench import _table as table
from services.common.caller import Caller
from services.common.clients import channel
from services.common.db import service_url
from services.common.server import (
    RunningService,
    ServiceDefinition,
    prepare_database,
    runtime_itself,
    start,
)
from services.common.settings import Settings
from services.ingest.api import cost_query_service as api_queries
from tests.support.infra import drop_run_database, infrastructure_urls, run_settings

ORG = "org-bench"
STEPS = {"small": [5, 20], "default": [20, 100, 200], "large": [100, 300, 1000]}
WITHIN_FLOOR = table.at_most(2.0)
UNDER_25_MS = table.at_most(25, "figure")
Statements = list[tuple[str, tuple[object, ...]]]


def questions(as_of: str) -> dict[str, tuple[str, object, table.Target]]:
    def trend(group_by: str = "") -> pb.GetTrendRequest:
        return pb.GetTrendRequest(
            days=90, granularity=pb.GRANULARITY_DAY, group_by=group_by, as_of_date=as_of
        )

    return {
        "overview": ("GetOverview", pb.GetOverviewRequest(as_of_date=as_of), WITHIN_FLOOR),
        "trend 90d": ("GetTrend", trend(), WITHIN_FLOOR),
        "trend 90d by service": ("GetTrend", trend("service"), UNDER_25_MS),
        "trend 90d by region": ("GetTrend", trend("region"), UNDER_25_MS),
        "trend 90d by account": ("GetTrend", trend("account"), UNDER_25_MS),
    }


async def connect(settings: Settings) -> asyncpg.Connection:
    url = service_url(settings, "ingest").set(drivername="postgresql")
    return await asyncpg.connect(
        url.render_as_string(False),
        server_settings={"search_path": "ingest", "timezone": "UTC"},
    )


async def captured(running: RunningService, call: Callable[[], Awaitable[object]]) -> Statements:
    """The statements (and bound values) the service sends to PostgreSQL during one call.

    Read off asyncpg itself, on every connection the call checks out: the service sends some
    statements through SQLAlchemy and some straight through asyncpg, and both end up there."""
    statements: Statements = []
    watched: list[asyncpg.Connection] = []

    def record(query: Any) -> None:  # asyncpg's LoggedQuery
        statements.append((query.query, tuple(query.args or ())))

    def on_checkout(dbapi_connection, record_, proxy) -> None:  # type: ignore[no-untyped-def]
        conn = dbapi_connection.driver_connection
        if conn not in watched:
            conn.add_query_logger(record)
            watched.append(conn)

    engine = running.runtime.db.engine.sync_engine
    event.listen(engine, "checkout", on_checkout)
    try:
        await call()
    finally:
        event.remove(engine, "checkout", on_checkout)
        for conn in watched:
            conn.remove_query_logger(record)
    return statements


def floor_call(conn: asyncpg.Connection, statements: Statements) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        async with conn.transaction():
            for sql, args in statements:
                await conn.fetch(sql, *args)

    return run


async def alternate(
    ours: Callable[[], Awaitable[object]],
    floor: Callable[[], Awaitable[object]],
    seconds: float,
    least: int = 10,
) -> tuple[list[float], list[float]]:
    """Milliseconds per call of each, calls alternating, after a few of each to warm up."""
    for _ in range(3):
        await ours()
        await floor()
    samples: tuple[list[float], list[float]] = ([], [])
    stop = time.monotonic() + seconds
    while len(samples[0]) < least or time.monotonic() < stop:
        for call, into in ((ours, samples[0]), (floor, samples[1])):
            began = time.perf_counter()
            await call()
            into.append((time.perf_counter() - began) * 1000)
    return samples


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


async def check_totals(stub, conn: asyncpg.Connection, as_of) -> None:  # type: ignore[no-untyped-def]
    """The 90-day trend adds up to the rollups it was read from."""
    trend = await stub.GetTrend(questions(as_of.isoformat())["trend 90d"][1])
    answered = sum(Decimal(p.amount.amount) for p in trend.points)
    stored = await conn.fetchval(
        "SELECT sum(amount) FROM daily_rollups WHERE org_id = $1 AND day BETWEEN $2 AND $3",
        ORG,
        as_of - timedelta(days=89),
        as_of,
    )
    assert answered == stored, f"trend total {answered} != rollups {stored}"


async def measure(settings: Settings, stub, running, rows: int, seconds: float, as_of):  # type: ignore[no-untyped-def]
    conn = await connect(settings)
    out = []
    try:
        await check_totals(stub, conn, as_of)
        size = f"{rows:,} rollup rows"
        for name, (method, request, target) in questions(as_of.isoformat()).items():
            call = getattr(stub, method)
            statements = await captured(running, lambda c=call, r=request: c(r))
            ours, floor = await alternate(
                lambda c=call, r=request: c(r), floor_call(conn, statements), seconds
            )
            print(
                f"{rows:>11,} rollups  {name:<22} gRPC p50 {statistics.median(ours):8.2f} ms"
                f" p99 {p99(ours):8.2f} ms | SQL floor ({len(statements)} statements) p50"
                f" {statistics.median(floor):8.2f} ms p99 {p99(floor):8.2f} ms ({len(ours)} each)",
                flush=True,
            )
            label = f"ingest_queries: {name} p99 vs SQL floor"
            out.append(table.Row(label, size, p99(ours), "ms", p99(floor), target))
    finally:
        await conn.close()
    return out


async def main(steps: list[int], seconds: float) -> list[table.Row]:
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
    rows: list[table.Row] = []
    try:
        await (await prepare_database(settings, "ingest")).dispose()
        definition = ServiceDefinition(
            "ingest", runtime_itself, api_queries.register, uses_messaging=False
        )
        running = await start(definition, settings)
        key = settings.context_signing_key.get_secret_value().encode()
        grpc_channel = channel(
            running.address,
            key,
            caller_of=lambda: Caller(ORG, "viewer", "b"),
            # A split by account at 1,000 accounts answers ~5 MB, over gRPC's 4 MiB default.
            options=[("grpc.max_receive_message_length", 64 << 20)],
        )
        stub = grpc_ingest.CostQueryServiceStub(grpc_channel)
        conn = await connect(settings)
        try:
            have = 0
            for accounts in steps:
                began = time.perf_counter()
                await data.grow(conn, ORG, have, accounts, as_of)
                have = accounts
                count = await conn.fetchval("SELECT count(*) FROM daily_rollups")
                print(
                    f"{accounts:,} accounts: {count:,} rollup rows"
                    f" (grown in {time.perf_counter() - began:.0f} s)",
                    flush=True,
                )
                rows += await measure(settings, stub, running, count, seconds, as_of)
        finally:
            await conn.close()
            await grpc_channel.close()
            await running.stop(grace=1)
    finally:
        await drop_run_database(settings)
    return rows


if __name__ == "__main__":
    parser = table.arguments(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--accounts", type=int, nargs="+", default=STEPS[table.size()], help="accounts per step"
    )
    parser.add_argument("--seconds", type=float, default=4.0, help="per question and step")
    args = parser.parse_args()
    table.report(asyncio.run(main(sorted(args.accounts), args.seconds)))
