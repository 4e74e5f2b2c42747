"""Blocking iterators (providers' SDKs, file readers) consumed from asyncio.

`iterate_in_thread` runs the iterator in a worker thread behind a small bounded queue, so the
source is read while the event loop writes what came before, and memory stays a few items
whatever the size of the source.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar, cast

T = TypeVar("T")

_DONE = object()
_EMPTY = object()


class _Stop(Exception):
    pass


async def iterate_in_thread(produce: Callable[[], Iterator[T]], buffer: int) -> AsyncIterator[T]:
    """Runs `produce()` in a thread and yields its items as they come, at most `buffer` ahead.

    A producer error is raised here; leaving the loop early stops the producer at its next
    item.
    """
    items: queue.Queue[object] = queue.Queue(maxsize=buffer)
    stop = threading.Event()

    def put(item: object) -> None:
        while True:
            try:
                items.put(item, timeout=0.2)
                return
            except queue.Full:
                if stop.is_set():
                    raise _Stop from None

    def run() -> None:
        try:
            for item in produce():
                put(item)
            put(_DONE)
        except _Stop:
            return
        except BaseException as exc:  # handed to the consumer, which raises it
            try:
                put(exc)
            except _Stop:
                return

    def take() -> object:
        # A bounded wait: a consumer cancelled meanwhile must not leave this thread blocked.
        try:
            return items.get(timeout=0.5)
        except queue.Empty:
            return _EMPTY

    worker = asyncio.get_running_loop().run_in_executor(None, run)
    try:
        while True:
            item = await asyncio.to_thread(take)
            if item is _EMPTY:
                continue
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            yield cast(T, item)
        await worker
    finally:
        stop.set()
        while not items.empty():  # unblock a producer waiting to put
            items.get_nowait()
