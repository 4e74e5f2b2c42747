"""Usage workers: processes that each fetch, apply and ack usage messages from the durable.

nats-py alone keeps a core busy fetching and acking ~14k messages/s, and handing fetched
messages to another process cost a quarter as much again (pickled through a pipe both ways).
So each worker is a whole consumer of the durable `metering-usage`: it fetches a batch, parses,
validates, de-duplicates and rates it in one transaction, and acks it. The workers of one
`Crew` take turns: a worker fetches while holding the crew's fetch lock and draws a ticket for
what it got; batches are written strictly in ticket order (the `Turnstile`), so allocation
changes reach the database in the order the stream holds them, while parsing and validating
run in parallel. Each worker has its own NATS connection, database pool and set of applied
ids, kept in step through the ledger (handlers/seen_ids.py).

Workers send in-progress acks while a batch is in hand, so the ack wait can be short: a worker
that dies leaves its batch unacked (JetStream redelivers it after the ack wait) and
its ticket unserved: the service process (consumers.py) then stops the crew and starts a new
one.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import multiprocessing.synchronize
import signal
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext

from costgrid.metering.v1 import events_pb2
from google.protobuf.message import DecodeError
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from services.common.db import Database
from services.common.heartbeat import in_progress
from services.common.logging import configure_logging, get_logger
from services.common.messaging import USAGE_STREAM, Namespace, connect
from services.common.outages import RETRY_AFTER_SECONDS, dependency_down
from services.common.settings import Settings
from services.metering.api.convert import add_columns, event_fields
from services.metering.domain.usage import Events
from services.metering.handlers.seen_ids import SeenIds
from services.metering.handlers.usage import REJECTED, presort, record_usage

log = get_logger(__name__)
DURABLE = "metering-usage"
# A batch allocates a few objects per event and keeps none of them: the default threshold
# (700) ran the collector hundreds of times per batch, a third of the time.
GC_THRESHOLD = 200_000
TURN_TIMEOUT_SECONDS = 60.0
FETCH_SECONDS = 1.0


@dataclass(frozen=True)
class Config:
    settings: Settings
    batch: int  # messages per fetch, one transaction
    max_deliver: int
    ack_wait_seconds: float


@dataclass
class Result:
    unreadable: list[int] = field(default_factory=list)  # positions of messages to drop
    rejected: dict[str, int] = field(default_factory=dict)  # reason -> events
    error: str = ""  # set when nothing was applied: the batch should be redelivered


class Turnstile:
    """Turn numbers across the workers of one crew: a batch writes when its turn comes."""

    def __init__(self, context: BaseContext, stop: multiprocessing.synchronize.Event) -> None:
        self._next = context.Value("q", 0, lock=False)
        self._changed = context.Condition()
        self._stop = stop

    def wait(self, turn: int, timeout: float) -> bool:
        """True when `turn` came; False after `timeout` or once the crew stops."""
        with self._changed:
            self._changed.wait_for(lambda: self._next.value == turn or self._stop.is_set(), timeout)
            return bool(self._next.value == turn)

    def done(self, turn: int) -> None:
        with self._changed:
            self._next.value = max(self._next.value, turn + 1)
            self._changed.notify_all()

    def wake(self) -> None:
        """Lets waiters see that the crew stopped (a dead worker may hold the lock: give up)."""
        if self._changed.acquire(timeout=1):
            self._changed.notify_all()
            self._changed.release()


class Crew:
    """What the workers started together share: the fetch lock, tickets, turns and stop."""

    def __init__(self, context: BaseContext) -> None:
        self.stop = context.Event()
        self.fetching = context.Lock()
        self._tickets = context.Value("q", 0, lock=False)
        self.turnstile = Turnstile(context, self.stop)

    def draw(self) -> int:
        """The next ticket: call holding `fetching`, right after the fetch it numbers."""
        ticket: int = self._tickets.value
        self._tickets.value = ticket + 1
        return ticket

    def halt(self) -> None:
        self.stop.set()
        self.turnstile.wake()


def run(config: Config, crew: Crew, name: str) -> None:
    """A worker process: consumes until its crew stops or the service process is gone."""
    # Ctrl-C and a supervisor's SIGTERM reach the whole process group; the service process
    # decides when workers stop (its crew's stop, or its own death: see _consume).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    configure_logging("metering-usage", config.settings.log_level)
    gc.set_threshold(GC_THRESHOLD, 50, 50)
    asyncio.run(_consume(config, crew, name))


async def _consume(config: Config, crew: Crew, name: str) -> None:
    settings = config.settings
    db = Database.for_service(settings.model_copy(update={"db_pool_size": 1}), "metering")
    messaging = await connect(settings.nats_url, name, Namespace(settings.namespace))
    parent = multiprocessing.parent_process()
    try:
        psub = await messaging.js.pull_subscribe_bind(
            DURABLE, stream=messaging.namespace.stream(USAGE_STREAM.name)
        )
        seen = SeenIds()
        while not crew.stop.is_set() and (parent is None or parent.is_alive()):
            fetched = await _fetch(psub, crew, config.batch)
            if fetched is not None:
                ticket, messages = fetched
                async with in_progress(messages, config.ack_wait_seconds):
                    await _handle(db, seen, crew, ticket, messages, config.max_deliver)
    finally:
        with contextlib.suppress(Exception):  # the last acks out, unless NATS is away
            await messaging.nc.flush(timeout=2)
        await messaging.close()
        await db.dispose()


async def _fetch(
    psub: JetStreamContext.PullSubscription, crew: Crew, batch: int
) -> tuple[int, list[Msg]] | None:
    """A batch and its ticket; one worker fetches at a time, so tickets follow stream order."""
    loop = asyncio.get_running_loop()
    if not await loop.run_in_executor(None, crew.fetching.acquire, True, FETCH_SECONDS):
        return None
    failed = ""
    try:
        messages = await psub.fetch(batch, timeout=FETCH_SECONDS)
        return crew.draw(), messages
    except TimeoutError:
        return None
    except Exception as exc:  # NATS is away: it reconnects by itself
        failed = str(exc) or type(exc).__name__
        return None
    finally:
        crew.fetching.release()
        if failed:
            log.warning_limited("usage.fetch_failed", error=failed)
            await asyncio.sleep(0.5)


async def _handle(
    db: Database, seen: SeenIds, crew: Crew, ticket: int, messages: list[Msg], max_deliver: int
) -> None:
    try:
        result = await _apply(db, seen, crew, [msg.data for msg in messages], ticket)
    except Exception as exc:
        if dependency := dependency_down(exc):  # not the batch's fault: never given up on
            log.warning_limited("usage.dependency_unavailable", dependency=dependency)
            for msg in messages:
                with contextlib.suppress(Exception):  # unacked, it comes back after the ack wait
                    await msg.nak(delay=RETRY_AFTER_SECONDS)
            return
        log.exception("usage.batch_failed", messages=len(messages))
        result = Result(error=str(exc) or type(exc).__name__)
    if result.error:
        for msg in messages:
            if msg.metadata.num_delivered >= max_deliver:
                await msg.term()
            else:
                await msg.nak(delay=min(0.2 * 2**msg.metadata.num_delivered, 30))
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


async def _apply(
    db: Database, seen: SeenIds, crew: Crew, payloads: list[bytes], ticket: int
) -> Result:
    result = Result()
    by_org: dict[str, Events] = {}
    for position, data in enumerate(payloads):
        # A new message each time: reading columns out of a reused one measured 40% slower.
        batch = events_pb2.UsageBatch()
        try:
            batch.ParseFromString(data)
        except DecodeError:
            batch.Clear()
        if not batch.org_id:
            result.unreadable.append(position)
            continue
        events = by_org.get(batch.org_id)
        if events is None:
            events = by_org[batch.org_id] = Events()
        if batch.HasField("columns") and not add_columns(events, batch.columns):
            result.unreadable.append(position)
            continue
        if batch.events:
            events.add_rows(map(event_fields, batch.events))
    by_org = {org: events for org, events in by_org.items() if events}  # none but unreadable
    loop = asyncio.get_running_loop()
    failure: Exception | None = None
    try:
        ready = await presort(db, seen, by_org)
    except Exception as exc:
        failure = exc
    # A failed batch takes its turn too, or the turns after it would never come. Out of turn
    # would still be correct (late changes are re-integrated), only slower.
    if not await loop.run_in_executor(None, crew.turnstile.wait, ticket, TURN_TIMEOUT_SECONDS):
        # A worker died or the crew stops: the service process replaces the crew.
        return Result(error=f"turn {ticket} did not come")
    try:
        if failure is not None:
            raise failure
        outcomes_by_org = await record_usage(db, seen, by_org, presorted=ready)
    finally:
        crew.turnstile.done(ticket)
    rejected: Counter[str] = Counter()
    for outcomes in outcomes_by_org.values():
        for outcome in outcomes:
            if outcome.outcome == REJECTED:
                rejected[outcome.reason] += 1
    result.rejected = dict(rejected)
    return result
