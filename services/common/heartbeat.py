"""In-progress acks while work is under way.

They let ack waits be short: a replica killed mid-work stops beating, and JetStream hands its
task, batch or event to another within the ack wait, while one that is merely slow keeps it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from nats.aio.msg import Msg

from services.common.logging import get_logger

log = get_logger(__name__)


def beat_every(ack_wait_seconds: float) -> float:
    """Three beats per ack wait: one lost beat is not yet a redelivery."""
    return ack_wait_seconds / 3


@contextlib.asynccontextmanager
async def in_progress(
    messages: Sequence[Msg],
    ack_wait_seconds: float,
    also: Callable[[], Awaitable[None]] | None = None,
) -> AsyncIterator[None]:
    """Beats for `messages` (and runs `also`, e.g. a lease renewal) until the block ends.

    The first beat comes half the ack wait in, so work done within that (most of it) sends
    none: a beat is one publish per message, a real cost for a batch of thousands. Then one
    every third of the ack wait, so one lost beat is not yet a redelivery.
    """
    beating = asyncio.create_task(
        _beat(messages, ack_wait_seconds / 2, beat_every(ack_wait_seconds), also)
    )
    try:
        yield
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating


async def _beat(
    messages: Sequence[Msg],
    first: float,
    every: float,
    also: Callable[[], Awaitable[None]] | None,
) -> None:
    await asyncio.sleep(first)
    while True:
        try:
            # One after another: each only buffers a publish, cheaper than a task per message.
            for msg in messages:
                await msg.in_progress()
            if also is not None:
                await also()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # NATS or the database away: the next beat tries again
            log.warning_limited("heartbeat.failed", error=str(exc) or type(exc).__name__)
        await asyncio.sleep(every)
