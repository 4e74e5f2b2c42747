"""Line items through one open COPY statement: rows written around a pause (for a new
partition) land once, and a refused row or a failing producer is raised, never waited on."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import asyncpg
import pytest

from services.common.db import Database, raw_connection
from services.common.server import prepare_database
from services.ingest.repository.cost_storage import PARENT, ensure_partitions
from services.ingest.repository.line_item_copy import LineItemCopy


@pytest.fixture(scope="module")
async def db(settings) -> AsyncIterator[Database]:
    database = await prepare_database(settings, "ingest")
    yield database
    await database.dispose()


def rows(org: str, day: date, n: int, amount: str = "1.25") -> memoryview:
    line = (
        f"{org},1,FOCUS_FILE,{day},{day} 00:00:00Z,{day} 01:00:00Z,{amount},{amount},,USD,"
        "Compute,,,,,,Usage,AWS,,f\n"
    )
    return memoryview((line * n).encode())


async def stored(db: Database, org: str) -> tuple[int, Decimal | None]:
    async with db.transaction() as session:
        conn = await raw_connection(session)
        row = await conn.fetchrow(
            f"SELECT count(*), sum(billed_cost) FROM {PARENT} WHERE org_id = $1", org
        )
    return row[0], row[1]


async def test_rows_written_around_a_pause_for_a_new_partition_land_once(db) -> None:
    org = f"copy-{uuid.uuid4().hex[:8]}"
    async with db.transaction() as session:
        conn = await raw_connection(session)
        await ensure_partitions(conn, {date(2031, 1, 1)})
        async with LineItemCopy(conn, PARENT) as copy:
            await copy.write(rows(org, date(2031, 1, 31), 3))
            await copy.pause()
            await ensure_partitions(conn, {date(2031, 2, 1)})
            await copy.write(rows(org, date(2031, 2, 1), 2))
            await copy.write(rows(org, date(2031, 2, 2), 1))
    assert await stored(db, org) == (6, Decimal("7.50"))


async def test_a_row_the_server_refuses_is_raised_and_nothing_is_stored(db) -> None:
    org = f"copy-{uuid.uuid4().hex[:8]}"

    async def import_with_a_bad_row() -> None:
        async with db.transaction() as session:
            conn = await raw_connection(session)
            await ensure_partitions(conn, {date(2031, 1, 1)})
            async with LineItemCopy(conn, PARENT) as copy:
                await copy.write(rows(org, date(2031, 1, 5), 2))
                await copy.write(rows(org, date(2031, 1, 6), 1, amount="one"))
                await copy.write(rows(org, date(2031, 1, 7), 2))

    with pytest.raises(asyncpg.InvalidTextRepresentationError):
        await asyncio.wait_for(import_with_a_bad_row(), timeout=60)
    assert await stored(db, org) == (0, None)


async def test_a_failing_producer_ends_the_copy_and_its_error_rolls_everything_back(db) -> None:
    org = f"copy-{uuid.uuid4().hex[:8]}"
    with pytest.raises(RuntimeError, match="export unreadable"):
        async with db.transaction() as session:
            conn = await raw_connection(session)
            await ensure_partitions(conn, {date(2031, 1, 1)})
            async with LineItemCopy(conn, PARENT) as copy:
                await copy.write(rows(org, date(2031, 1, 5), 2))
                raise RuntimeError("export unreadable")
    assert await stored(db, org) == (0, None)
