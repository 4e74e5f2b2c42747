"""Usage workers: child processes that parse and apply fetched usage messages.

nats-py alone keeps a core busy fetching and acking ~14k messages/s, so the service process
only moves messages; parsing, validating, de-duplicating and rating every event run in two
workers. The consumer hands each fetched batch's payloads to `apply` with a turn number and
acks the messages once it returns. A worker parses and validates its batch while the other
writes; writes then happen strictly in turn order (the `Turnstile`), so allocation changes
reach the database in the order they were fetched. Each worker has its own database pool and
its own set of applied ids, kept in step through the ledger (handlers/seen_ids.py).
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing.util
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext

from costgrid.metering.v1 import events_pb2
from google.protobuf.message import DecodeError

from services.common.db import Database
from services.common.logging import configure_logging, get_logger
from services.common.settings import Settings
from services.metering.convert import column_fields, event_fields
from services.metering.domain.usage import EventFields
from services.metering.handlers.seen_ids import SeenIds
from services.metering.handlers.usage import REJECTED, presort, record_usage

log = get_logger(__name__)
GC_THRESHOLD = 200_000


@dataclass
class Result:
    unreadable: list[int] = field(default_factory=list)  # positions of messages to drop
    rejected: dict[str, int] = field(default_factory=dict)  # reason -> events
    error: str = ""  # set when nothing was applied: the batch should be redelivered


class Turnstile:
    """Turn numbers across the workers of one pool: a batch writes when its turn comes."""

    def __init__(self, context: BaseContext) -> None:
        self._next = context.Value("q", 0, lock=False)
        self._changed = context.Condition()

    def wait(self, turn: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._next.value == turn, timeout)

    def done(self, turn: int) -> None:
        with self._changed:
            self._next.value = max(self._next.value, turn + 1)
            self._changed.notify_all()


@dataclass
class _Worker:
    loop: asyncio.AbstractEventLoop
    db: Database
    seen: SeenIds
    turnstile: Turnstile


_worker: _Worker | None = None
TURN_TIMEOUT_SECONDS = 60.0


def init(settings: Settings, turnstile: Turnstile) -> None:
    """Runs once in the child process."""
    global _worker
    configure_logging("metering-usage", settings.log_level)
    # A batch allocates a few objects per event and keeps none of them: the default
    # threshold (700) ran the collector hundreds of times per batch, a third of the time.
    gc.set_threshold(GC_THRESHOLD, 50, 50)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    db = Database.for_service(settings.model_copy(update={"db_pool_size": 1}), "metering")
    _worker = _Worker(loop, db, SeenIds(), turnstile)
    multiprocessing.util.Finalize(_worker, _close, args=(loop, db), exitpriority=10)


def _close(loop: asyncio.AbstractEventLoop, db: Database) -> None:
    loop.run_until_complete(db.dispose())
    loop.close()


def ready() -> bool:
    return _worker is not None


def apply(payloads: list[bytes], turn: int) -> Result:
    assert _worker is not None, "init() runs first"
    try:
        return _worker.loop.run_until_complete(_apply(_worker, payloads, turn))
    except Exception as exc:
        log.exception("usage.batch_failed", messages=len(payloads))
        return Result(error=str(exc) or type(exc).__name__)


async def _apply(worker: _Worker, payloads: list[bytes], turn: int) -> Result:
    result = Result()
    by_org: dict[str, list[EventFields]] = {}
    batch = events_pb2.UsageBatch()
    for position, data in enumerate(payloads):
        try:
            batch.ParseFromString(data)
        except DecodeError:
            batch.Clear()
        columns = column_fields(batch.columns) if batch.HasField("columns") else []
        if not batch.org_id or columns is None:
            result.unreadable.append(position)
            continue
        events = by_org.get(batch.org_id)
        if events is None:
            events = by_org[batch.org_id] = []
        events.extend(map(event_fields, batch.events))
        events.extend(columns)
    try:
        ready = await presort(worker.db, worker.seen, by_org)
        # Out of turn would still be correct (late changes are re-integrated), only slower.
        if not worker.turnstile.wait(turn, TURN_TIMEOUT_SECONDS):
            return Result(error=f"turn {turn} did not come")
        outcomes_by_org = await record_usage(worker.db, worker.seen, by_org, presorted=ready)
    finally:
        worker.turnstile.done(turn)
    rejected: Counter[str] = Counter()
    for outcomes in outcomes_by_org.values():
        for outcome in outcomes:
            if outcome.outcome == REJECTED:
                rejected[outcome.reason] += 1
    result.rejected = dict(rejected)
    return result
