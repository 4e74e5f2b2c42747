"""Two retries of one create, at the same moment: one row, and the second finds it (never a
unique-index error)."""

from __future__ import annotations

import asyncio
from datetime import date

from services.metering.repository import catalog as repo
from services.metering.repository import pg


def _plan(request_id: str) -> dict[str, object]:
    return {
        "name": f"plan-{request_id}",
        "price_book_name": "default",
        "metrics_series_allowance": 0,
        "logs_bytes_allowance": 0,
        "base_fee": None,
        "currency": "USD",
        "request_id": request_id,
    }


async def _racing(metering, first_insert, second_insert):  # type: ignore[no-untyped-def]
    """The second insert starts while the first is uncommitted, so it waits on the unique
    index; the first then commits."""
    db = metering.runtime.db

    async def second():  # type: ignore[no-untyped-def]
        async with db.transaction() as session:
            return await second_insert(await pg(session))

    async with db.transaction() as session:
        first = await first_insert(await pg(session))
        racer = asyncio.create_task(second())
        await asyncio.sleep(0.5)
        assert not racer.done(), "the second insert should wait for the first to commit"
    return first, await racer


async def test_two_concurrent_creates_of_one_plan_request_make_one_plan(metering, org):
    values = _plan("retry-1")

    first, second = await _racing(
        metering,
        lambda conn: repo.insert_plan(conn, org, values),
        lambda conn: repo.insert_plan(conn, org, values),
    )

    assert first is not None and second is None
    async with metering.runtime.db.transaction() as session:
        found = await repo.plan_by_request(await pg(session), org, "retry-1")
    assert found is not None and found["id"] == first["id"]


async def test_two_concurrent_creates_of_one_price_book_request_make_one_version(metering, org):
    def insert(conn):  # type: ignore[no-untyped-def]
        rates = [{"meter": "cpu", "unit": "vCPU-hour", "rate": "0.03"}]
        return repo.insert_price_book(conn, org, "racing", date(2026, 1, 1), "USD", rates, "pb-1")

    first, second = await _racing(metering, insert, insert)

    assert first is not None and second is None
