"""create_once: a request_id creates once; a retry, even one racing the first, gets its row."""

from __future__ import annotations

import pytest

from services.common.idempotency import create_once


class Table:
    """Rows by request_id, with an insert that can lose a race like ON CONFLICT DO NOTHING."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}
        self.inserts = 0
        self.racing: str | None = None  # a row another transaction commits before ours

    async def find(self, request_id: str) -> str | None:
        return self.rows.get(request_id)

    def insert(self, request_id: str, value: str):
        async def run() -> str | None:
            self.inserts += 1
            if self.racing is not None:
                self.rows[request_id], self.racing = self.racing, None
                return None
            if request_id:
                self.rows[request_id] = value
            return value

        return run


async def test_first_create_inserts_and_a_retry_gets_the_same_row():
    table = Table()
    first = await create_once("r1", table.find, table.insert("r1", "a"))
    again = await create_once("r1", table.find, table.insert("r1", "b"))
    assert (first.row, first.created) == ("a", True)
    assert (again.row, again.created) == ("a", False)
    assert table.inserts == 1


async def test_a_retry_that_loses_the_insert_race_gets_the_winners_row():
    table = Table()
    table.racing = "winner"
    once = await create_once("r1", table.find, table.insert("r1", "loser"))
    assert (once.row, once.created) == ("winner", False)


async def test_without_a_request_id_every_call_creates():
    table = Table()
    rows = [await create_once("", table.find, table.insert("", v)) for v in "ab"]
    assert [(o.row, o.created) for o in rows] == [("a", True), ("b", True)]


async def test_an_insert_skipped_for_another_reason_is_an_error_not_a_replay():
    table = Table()

    async def skipped() -> str | None:
        return None

    with pytest.raises(RuntimeError):
        await create_once("r1", table.find, skipped)
    with pytest.raises(RuntimeError):
        await create_once("", table.find, skipped)
