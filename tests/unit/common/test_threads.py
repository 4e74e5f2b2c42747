"""iterate_in_thread: a blocking iterator read from asyncio, in order, bounded, stoppable."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from services.common.threads import iterate_in_thread


async def test_every_item_arrives_in_order():
    got = [item async for item in iterate_in_thread(lambda: iter(range(50)), 2)]
    assert got == list(range(50))


async def test_a_producer_error_is_raised_to_the_consumer():
    def produce() -> Iterator[int]:
        yield 1
        raise ValueError("the provider broke")

    got = []
    with pytest.raises(ValueError, match="the provider broke"):
        async for item in iterate_in_thread(produce, 2):
            got.append(item)
    assert got == [1]


async def test_the_producer_runs_at_most_the_buffer_ahead_and_stops_when_the_consumer_leaves():
    produced: list[int] = []
    finished = threading.Event()

    def produce() -> Iterator[int]:
        try:
            for n in range(1_000):
                produced.append(n)
                yield n
        finally:
            finished.set()

    items = iterate_in_thread(produce, 2)
    async for item in items:
        assert item == 0
        await asyncio.sleep(0.3)  # the producer fills the queue meanwhile, then waits
        assert len(produced) <= 1 + 2 + 1  # taken, queued, and one waiting to be put
        break
    await items.aclose()
    assert finished.wait(5)
    assert len(produced) < 10
