"""Usage from JetStream (`costgrid.usage.v1` on USAGE_STREAM), a fetched batch per transaction.

The kit's InboxConsumer applies one message per transaction, which caps usage at what a
round trip per message allows. Usage rides many events per UsageBatch message, and this
consumer applies every message of a fetch in one transaction: ids are de-duplicated in bulk
(`usage_events`), aggregates updated once per batch, then every message is acked. Fetching
and parsing the next batch overlaps the database work of the current one. Bad events are
rejected one by one (logged with their reasons); a batch the database refuses is redelivered.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass

from costgrid.metering.v1 import events_pb2
from google.protobuf.message import DecodeError
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.common.db import Database
from services.common.logging import get_logger
from services.common.messaging import USAGE, USAGE_STREAM, Messaging
from services.metering.convert import event_fields
from services.metering.domain.usage import EventFields
from services.metering.handlers.usage import REJECTED, apply_usage

log = get_logger(__name__)
DURABLE = "metering-usage"


@dataclass
class Fetched:
    messages: list[Msg]
    events: dict[str, list[EventFields]]  # org -> events, in stream order


class UsageConsumer:
    def __init__(
        self,
        db: Database,
        messaging: Messaging,
        batch: int = 256,
        max_deliver: int = 20,
        ack_wait_seconds: float = 60,
    ) -> None:
        self._db = db
        self._messaging = messaging
        self._batch = batch
        self._max_deliver = max_deliver
        self._ack_wait = ack_wait_seconds
        self._psub: JetStreamContext.PullSubscription | None = None

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
                max_ack_pending=self._batch * 8,
            ),
        )
        self._psub = await self._messaging.js.pull_subscribe_bind(DURABLE, stream=stream)

    async def run(self, stop: asyncio.Event) -> None:
        if self._psub is None:
            await self.declare()
        queue: asyncio.Queue[Fetched] = asyncio.Queue(maxsize=2)
        fetcher = asyncio.create_task(self._fetch_loop(stop, queue))
        try:
            while not stop.is_set():
                get = asyncio.ensure_future(queue.get())
                stopping = asyncio.ensure_future(stop.wait())
                done, _ = await asyncio.wait({get, stopping}, return_when=asyncio.FIRST_COMPLETED)
                stopping.cancel()
                if get not in done:
                    get.cancel()
                    break
                await self.apply(get.result())
        finally:
            fetcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await fetcher

    async def _fetch_loop(self, stop: asyncio.Event, queue: asyncio.Queue[Fetched]) -> None:
        while not stop.is_set():
            try:
                assert self._psub is not None
                messages = await self._psub.fetch(self._batch, timeout=1)
            except TimeoutError:
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("usage.fetch_failed", error=str(exc) or type(exc).__name__)
                await asyncio.sleep(0.5)
                continue
            await queue.put(await self._parse(messages))

    async def _parse(self, messages: list[Msg]) -> Fetched:
        kept: list[Msg] = []
        events: dict[str, list[EventFields]] = {}
        for msg in messages:
            batch = events_pb2.UsageBatch()
            try:
                batch.ParseFromString(msg.data)
            except DecodeError:
                batch.Clear()
            if not batch.org_id:
                log.error("usage.unreadable_message", subject=msg.subject, size=len(msg.data))
                await msg.term()
                continue
            kept.append(msg)
            events.setdefault(batch.org_id, []).extend(map(event_fields, batch.events))
        return Fetched(kept, events)

    async def apply(self, fetched: Fetched) -> None:
        if not fetched.messages:
            return
        rejected: Counter[str] = Counter()
        try:
            async with self._db.transaction() as session:
                for org, events in fetched.events.items():
                    for outcome in await apply_usage(session, org, events):
                        if outcome.outcome == REJECTED:
                            rejected[outcome.reason] += 1
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("usage.batch_failed", messages=len(fetched.messages))
            for msg in fetched.messages:
                if msg.metadata.num_delivered >= self._max_deliver:
                    await msg.term()
                else:
                    await msg.nak(delay=min(0.2 * 2**msg.metadata.num_delivered, 30))
            return
        for msg in fetched.messages:
            await msg.ack()
        if rejected:
            log.warning("usage.events_rejected", reasons=dict(rejected))
