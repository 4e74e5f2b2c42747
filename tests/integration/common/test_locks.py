"""Advisory locks from the kit hold for the transaction (or the block) and no longer."""

from __future__ import annotations

import pytest

from services.common.db import raw_connection
from services.common.locks import held, lock_key, xact_lock
from services.common.server import prepare_database


@pytest.fixture(scope="module")
async def db(settings):
    database = await prepare_database(settings, "gateway")
    yield database
    await database.dispose()


async def _free(db, key: int) -> bool:
    """Whether another transaction could take `key` now (it gives it back at once)."""
    async with db.transaction() as session:
        conn = await raw_connection(session)
        return bool(await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", key))


@pytest.mark.parametrize("on", ["asyncpg", "sqlalchemy"])
async def test_transaction_locks_are_held_until_the_transaction_ends(db, on):
    keys = [lock_key("kit-test", on, "a"), lock_key("kit-test", on, "b")]
    async with db.transaction() as session:
        await xact_lock(await raw_connection(session) if on == "asyncpg" else session, keys)
        assert [await _free(db, k) for k in keys] == [False, False]
    assert [await _free(db, k) for k in keys] == [True, True]


async def test_no_keys_takes_nothing(db):
    async with db.transaction() as session:
        await xact_lock(session, [])


async def test_a_held_lock_is_released_when_the_block_fails(db):
    key = lock_key("kit-test", "held")
    async with db.engine.connect() as connection:
        conn = (await connection.get_raw_connection()).driver_connection
        with pytest.raises(RuntimeError):
            async with held(conn, key):
                assert not await _free(db, key)
                raise RuntimeError("provisioning failed half-way")
        assert await _free(db, key)
