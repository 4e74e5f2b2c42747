"""Usage from JetStream (`costgrid.usage.v1` on USAGE_STREAM): fetched here, applied by workers.

The kit's InboxConsumer applies one message per transaction, which caps usage at what a
round trip per message allows. Usage rides many events per UsageBatch message; this consumer
fetches a batch of messages, hands their payloads to the usage worker processes (one
transaction per fetched batch there, in fetch order) and acks them once applied. Up to
`in_flight` batches are handed over at once, so no worker waits for the next fetch. A batch
that could not be applied is redelivered with backoff; a message that is not a UsageBatch is
dropped."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.common.logging import get_logger
from services.common.messaging import USAGE, USAGE_STREAM, Messaging
from services.common.settings import Settings
from services.metering import usage_worker

log = get_logger(__name__)
DURABLE = "metering-usage"


class UsageConsumer:
    def __init__(
        self,
        settings: Settings,
        messaging: Messaging,
        batch: int = 4096,
        workers: int = 2,
        in_flight: int = 3,
        max_deliver: int = 20,
        ack_wait_seconds: float = 60,
    ) -> None:
        self._settings = settings
        self._messaging = messaging
        self._batch = batch
        self._workers = workers
        self._in_flight = in_flight
        self._turn = 0
        self._max_deliver = max_deliver
        self._ack_wait = ack_wait_seconds
        self._psub: JetStreamContext.PullSubscription | None = None
        self._pool: ProcessPoolExecutor | None = None

    async def declare(self) -> None:
        ns = self._messaging.namespace
        stream = ns.stream(USAGE_STREAM.name)
        await self._messaging.js.add_consumer(
            stream,
            ConsumerConfig(
                durable_name=DURABLE,
                filter_subject=ns.subject(USAGE),
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                max_deliver=self._max_deliver,
                ack_wait=self._ack_wait,
                max_ack_pending=self._batch * (self._in_flight + 2),
            ),
        )
        self._psub = await self._messaging.js.pull_subscribe_bind(DURABLE, stream=stream)

    async def run(self, stop: asyncio.Event) -> None:
        if self._psub is None:
            await self.declare()
        if not await self._start_workers(stop):
            return
        slots = asyncio.Semaphore(self._in_flight)
        pending: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                messages = await self._fetch()
                if not messages:
                    continue
                await slots.acquire()
                task = asyncio.create_task(self._apply(messages))
                pending.add(task)
                task.add_done_callback(_finisher(pending, slots))
        finally:
            # What was handed over is finished and acked; the worker then exits.
            if pending:
                await asyncio.wait(pending, timeout=self._ack_wait)
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    async def _fetch(self) -> list[Msg]:
        try:
            assert self._psub is not None
            return await self._psub.fetch(self._batch, timeout=1)
        except TimeoutError:
            return []
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("usage.fetch_failed", error=str(exc) or type(exc).__name__)
            await asyncio.sleep(0.5)
            return []

    async def _start_workers(self, stop: asyncio.Event) -> bool:
        """Workers take a second to start: take no message before they can apply one."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            pool = self._worker()
            try:
                await asyncio.gather(
                    *(loop.run_in_executor(pool, usage_worker.ready) for _ in range(self._workers))
                )
                return True
            except (BrokenProcessPool, OSError) as exc:
                log.error("usage.workers_failed_to_start", error=str(exc) or type(exc).__name__)
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=5)
        return False

    def _worker(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: this process runs gRPC, which must not be forked.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=context,
                initializer=usage_worker.init,
                initargs=(self._settings, usage_worker.Turnstile(context)),
            )
            self._turn = 0
        return self._pool

    async def _apply(self, messages: list[Msg]) -> None:
        loop = asyncio.get_running_loop()
        payloads = [msg.data for msg in messages]
        pool = self._worker()
        turn, self._turn = self._turn, self._turn + 1
        try:
            result = await loop.run_in_executor(pool, usage_worker.apply, payloads, turn)
        except BrokenProcessPool:
            log.error("usage.worker_died", messages=len(messages))
            if self._pool is pool:
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None  # the next batch starts a new worker
            result = usage_worker.Result(error="the usage worker died")
        if result.error:
            await self._redeliver(messages)
            return
        dropped = set(result.unreadable)
        for position, msg in enumerate(messages):
            if position in dropped:
                log.error("usage.unreadable_message", subject=msg.subject, size=len(msg.data))
                await msg.term()
            else:
                await msg.ack()
        if result.rejected:
            log.warning("usage.events_rejected", reasons=result.rejected)

    async def _redeliver(self, messages: list[Msg]) -> None:
        for msg in messages:
            if msg.metadata.num_delivered >= self._max_deliver:
                await msg.term()
            else:
                await msg.nak(delay=min(0.2 * 2**msg.metadata.num_delivered, 30))


def _finisher(
    pending: set[asyncio.Task[None]], slots: asyncio.Semaphore
) -> Callable[[asyncio.Task[None]], None]:
    def done(task: asyncio.Task[None]) -> None:
        pending.discard(task)
        slots.release()
        if not task.cancelled() and task.exception() is not None:
            log.error("usage.apply_failed", error=repr(task.exception()))

    return done
