"""Raw asyncpg work (COPY, bulk arrays) belongs to the session's unit of work."""

import pytest
from sqlalchemy import text

from services.common.db import raw_connection
from services.common.server import prepare_database


@pytest.fixture(scope="module")
async def db(settings):
    database = await prepare_database(settings, "gateway")
    async with database.transaction() as session:
        await session.execute(text("CREATE TABLE IF NOT EXISTS kit_raw (v int)"))
    yield database
    await database.dispose()


async def _count(db) -> int:
    async with db.transaction() as session:
        return (await session.execute(text("SELECT count(*) FROM kit_raw"))).scalar_one()


async def test_raw_statements_roll_back_with_the_unit_of_work(db):
    before = await _count(db)
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            conn = await raw_connection(session)
            await conn.execute("INSERT INTO kit_raw VALUES (1)")
            raise RuntimeError("the use case failed after its raw write")
    assert await _count(db) == before


async def test_raw_statements_commit_with_the_unit_of_work(db):
    before = await _count(db)
    async with db.transaction() as session:
        conn = await raw_connection(session)
        await conn.copy_records_to_table("kit_raw", records=[(1,), (2,)])
    assert await _count(db) == before + 2
