"""Usage from JetStream (`costgrid.usage.v1` on USAGE_STREAM): consumed by worker processes.

The kit's InboxConsumer applies one message per transaction, which caps usage at what a
round trip per message allows. Usage rides many events per UsageBatch message; its workers
(workers/usage.py) each fetch a batch of messages, apply it in one transaction and ack it.
This process declares the durable consumer and keeps a crew of workers running: when one
dies, the crew is stopped (unacked batches are redelivered) and a new crew starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import time
from multiprocessing.process import BaseProcess

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.common.logging import get_logger
from services.common.messaging import USAGE, USAGE_STREAM, Messaging
from services.common.settings import Settings
from services.metering.workers import usage
from services.metering.workers.usage import DURABLE

log = get_logger(__name__)
__all__ = ["DURABLE", "UsageConsumer"]
STOP_SECONDS = 10.0  # for a stopping crew to finish and ack its batches
STEADY_SECONDS = 60.0  # a crew that lived this long resets the restart backoff
MAX_BACKOFF_SECONDS = 30.0


class UsageConsumer:
    def __init__(
        self,
        settings: Settings,
        messaging: Messaging,
        batch: int = 4096,
        workers: int = 2,
        max_deliver: int = 20,
        ack_wait_seconds: float = 6.0,
    ) -> None:
        self._settings = settings
        self._messaging = messaging
        self._batch = batch
        self._workers = workers
        self._max_deliver = max_deliver
        self._ack_wait = ack_wait_seconds
        self._processes: list[BaseProcess] = []
        self.crews_started = 0

    def pids(self) -> list[int]:
        """The running crew's worker processes."""
        return [p.pid for p in self._processes if p.pid is not None and p.exitcode is None]

    async def declare(self) -> None:
        ns = self._messaging.namespace
        await self._messaging.js.add_consumer(
            ns.stream(USAGE_STREAM.name),
            ConsumerConfig(
                durable_name=DURABLE,
                filter_subject=ns.subject(USAGE),
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                # Unbounded here: an outage must not use up a batch's deliveries; workers give
                # up on a message after `max_deliver` attempts that failed on the batch itself.
                max_deliver=-1,
                ack_wait=self._ack_wait,
                # Each worker holds at most one fetched batch, and one more may be on its way.
                max_ack_pending=self._batch * (self._workers + 1),
            ),
        )

    async def run(self, stop: asyncio.Event) -> None:
        await self.declare()
        # spawn, not fork: this process runs gRPC, which must not be forked.
        context = multiprocessing.get_context("spawn")
        config = usage.Config(self._settings, self._batch, self._max_deliver, self._ack_wait)
        backoff = 1.0
        while not stop.is_set():
            crew = usage.Crew(context)
            self._processes = [
                context.Process(
                    target=usage.run,
                    args=(config, crew, f"metering-usage-{self.crews_started}-{i}"),
                    name=f"metering-usage-{i}",
                    daemon=True,
                )
                for i in range(self._workers)
            ]
            self.crews_started += 1
            started = time.monotonic()
            try:
                for process in self._processes:
                    process.start()
                await _until_one_exits(self._processes, stop)
            finally:
                await _stop(crew, self._processes)
            if stop.is_set():
                break
            log.error(
                "usage.worker_died",
                exit_codes=[p.exitcode for p in self._processes],
                restart_in_seconds=backoff,
            )
            if time.monotonic() - started > STEADY_SECONDS:
                backoff = 1.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)


async def _until_one_exits(processes: list[BaseProcess], stop: asyncio.Event) -> None:
    while not any(p.exitcode is not None for p in processes):
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.5)
            return


async def _stop(crew: usage.Crew, processes: list[BaseProcess]) -> None:
    """Workers finish and ack the batch in hand, then exit; those that do not are killed."""
    crew.halt()
    try:
        await asyncio.get_running_loop().run_in_executor(None, _join, processes, STOP_SECONDS)
    finally:  # also when cancelled: no worker outlives its service
        for process in processes:
            if process.pid is None:  # never started
                continue
            if process.is_alive():
                process.kill()
            process.join(timeout=5)


def _join(processes: list[BaseProcess], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for process in processes:
        if process.pid is not None:
            process.join(timeout=max(0.0, deadline - time.monotonic()))
