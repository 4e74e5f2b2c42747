"""The delivery worker: claims due deliveries and sends each in its own task.

Claims use FOR UPDATE SKIP LOCKED, so replicas share the work; at most `concurrency`
deliveries are in flight per replica and at most `per_channel_concurrency` per channel, so a
hanging channel holds a few slots while the others keep flowing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row

from services.common import decimal_json
from services.common.crypto import SecretBoxError
from services.common.db import Database
from services.common.logging import get_logger
from services.notifier.delivery.context import NotifierContext
from services.notifier.delivery.outcomes import record_many
from services.notifier.domain.model import Alert
from services.notifier.domain.retry import AttemptResult
from services.notifier.repository import claims
from services.notifier.senders import dispatch
from services.notifier.senders.base import Target

log = get_logger(__name__)
# Floor of an idle wait, so rows another replica is claiming right now are not spun on.
_MIN_WAIT_SECONDS = 0.01


@dataclass(frozen=True)
class Claimed:
    started: int = 0
    more: bool = False  # due deliveries may remain: claim again at once
    due_in: float | None = None  # seconds until the next scheduled one; None: none scheduled


class DeliveryWorker:
    def __init__(self, db: Database, ctx: NotifierContext) -> None:
        self._db = db
        self._ctx = ctx
        self._in_flight: Counter[int] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        # Outcomes waiting for the recorder, which commits all that finished together.
        self._outcomes: list[tuple[Row[Any], AttemptResult, asyncio.Future[None]]] = []
        self._outcome_ready = asyncio.Event()

    def wake(self) -> None:
        """New deliveries were committed: look now rather than at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        settings = self._ctx.settings
        recorder = asyncio.create_task(self._recorder())
        try:
            while not stop.is_set():
                # Cleared before claiming, so a wake-up during the claim is not lost.
                self._wake.clear()
                free = settings.notifier_concurrency - len(self._tasks)
                claimed = Claimed()
                if free > 0:
                    try:
                        claimed = await self.claim_and_start(free)
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:  # database down: keep going, retry shortly
                        log.warning_limited(
                            "notifier.claim_failed", error=str(exc) or type(exc).__name__
                        )
                        claimed = Claimed(due_in=min(settings.notifier_poll_seconds, 1.0))
                if claimed.started and (claimed.started == free or claimed.more):
                    continue
                # Sleeps until the next retry or lease falls due; new deliveries and finished
                # sends wake it sooner.
                wait = settings.notifier_poll_seconds
                if claimed.due_in is not None:
                    wait = min(wait, max(claimed.due_in, _MIN_WAIT_SECONDS))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=wait)
        finally:
            await self._shutdown(recorder)

    async def _shutdown(self, recorder: asyncio.Task[None]) -> None:
        # Unfinished sends stay IN_FLIGHT and are resent with the same key when the lease ends.
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=1.0)
        for task in self._tasks:
            task.cancel()
        recorder.cancel()
        await self._ctx.close()

    async def _recorder(self) -> None:
        while True:
            await self._outcome_ready.wait()
            self._outcome_ready.clear()
            batch, self._outcomes = self._outcomes, []
            if not batch:
                continue
            try:
                await record_many(self._db, self._ctx, [(row, result) for row, result, _ in batch])
            except Exception as exc:  # the database: leases run out, the deliveries are retried
                log.warning_limited("notifier.record_failed", error=str(exc) or type(exc).__name__)
                for *_, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for *_, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def _record(self, row: Row[Any], result: AttemptResult) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._outcomes.append((row, result, done))
        self._outcome_ready.set()
        await done

    async def claim_and_start(self, free: int) -> Claimed:
        settings = self._ctx.settings
        per_channel = settings.notifier_per_channel_concurrency
        busy = [c for c, n in self._in_flight.items() if n >= per_channel]
        slots = {c: per_channel - n for c, n in self._in_flight.items()}
        window = free * 2
        async with self._db.transaction() as session:
            candidates, due_in = await claims.candidates(session, window, busy)
            chosen: list[int] = []
            for row in candidates:
                if len(chosen) < free and slots.get(row.channel_id, per_channel) > 0:
                    chosen.append(int(row.id))
                    slots[row.channel_id] = slots.get(row.channel_id, per_channel) - 1
            if not chosen:
                return Claimed(due_in=due_in)
            rows = await claims.claim(session, chosen, settings.notifier_lease_seconds)
            for row in rows:
                if row.was == "IN_FLIGHT":
                    await claims.log_attempt(
                        session,
                        row.id,
                        row.attempts - 1,
                        "INTERRUPTED",
                        0,
                        "cut off (crash or shutdown) before its outcome was recorded",
                    )
        for row in rows:
            self._in_flight[row.channel_id] += 1
            task = asyncio.create_task(self._deliver(row))
            self._tasks.add(task)
        # A full window may hide due deliveries of channels that still have slots.
        return Claimed(len(rows), more=len(candidates) == window, due_in=due_in)

    async def _deliver(self, row: Row[Any]) -> None:
        settings = self._ctx.settings
        sending, sent = True, False
        try:
            try:
                result = await self._attempt(row)
            except Exception as exc:  # a bug, not the receiver: visible, retried, dead-lettered
                log.exception("notifier.send_crashed", delivery_id=row.id)
                result = AttemptResult(
                    ok=False, error=f"internal error: {type(exc).__name__}: {exc}", retryable=True
                )
            # The channel's slot bounds sends, not bookkeeping: the next send to it may start
            # while this outcome is recorded (the row stays IN_FLIGHT until then).
            sending = False
            if self._in_flight[row.channel_id] >= settings.notifier_per_channel_concurrency:
                self._wake.set()
            self._in_flight[row.channel_id] -= 1
            await self._record(row, result)
            sent = result.ok
        except asyncio.CancelledError:
            raise
        except Exception:  # logged by the recorder; the lease runs out and it is retried
            pass
        finally:
            if sending:
                self._in_flight[row.channel_id] -= 1
            full = len(self._tasks) >= settings.notifier_concurrency
            self._tasks.discard(asyncio.current_task())
            # Only worth a look when it changes what is due (a retry was scheduled) or frees
            # a slot the worker was short of; at low rates each look is a transaction.
            if not sent or full:
                self._wake.set()

    async def _attempt(self, row: Row[Any]) -> AttemptResult:
        """`row` is a claimed delivery with its channel's and alert's columns."""
        if row.channel_deleted_at is not None or row.channel_org_id != row.org_id:
            return AttemptResult(ok=False, error="the channel was deleted")
        try:
            secrets = self._ctx.open(row.org_id, row.channel_id, row.secrets_sealed)
        except SecretBoxError as exc:
            return AttemptResult(ok=False, error=f"the channel's secrets cannot be opened: {exc}")
        target = Target(row.channel_id, row.channel_type, dict(row.config), secrets)
        return await dispatch.send(
            self._ctx.send,
            target,
            Alert.from_json(decimal_json.loads(row.alert)),
            row.idempotency_key,
            tuple(row.reached),
        )
