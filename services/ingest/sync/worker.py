"""The sync worker: takes tasks from the JetStream work queue and runs them.

Any replica may take any task (one durable pull consumer shared by all). A task message is
acknowledged only once the task's outcome is committed; while a long sync runs, in-progress
acks keep JetStream from redelivering it, and a heartbeat in the task row tells a worker
that gets a redelivery whether the first one is still alive. A task whose account is being
synced by another task waits (negative ack with a delay) instead of failing.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

from costgrid.ingest.v1 import events_pb2  # noqa: F401  (registers the event types for readers)
from google.protobuf import wrappers_pb2
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy.exc import IntegrityError

from services.common.heartbeat import beat_every, in_progress
from services.common.logging import get_logger
from services.common.messaging import SYNC_TASKS, SYNC_TASKS_STREAM, Messaging
from services.ingest.connectors.base import ConnectorError
from services.ingest.deps import Deps
from services.ingest.domain.sync import TERMINAL, retry_delay
from services.ingest.repository import sync_jobs as repo
from services.ingest.repository.sync_jobs import TaskRow
from services.ingest.sync.runner import LeaseLost, fail_task, run_task

log = get_logger(__name__)
DURABLE = "ingest-sync-worker"


class SyncWorker:
    def __init__(self, deps: Deps, messaging: Messaging) -> None:
        self._deps = deps
        self._messaging = messaging
        self._settings = deps.settings

    async def _subscribe(self) -> JetStreamContext.PullSubscription:
        ns = self._messaging.namespace
        stream = ns.stream(SYNC_TASKS_STREAM.name)
        await self._messaging.js.add_consumer(
            stream,
            ConsumerConfig(
                durable_name=DURABLE,
                filter_subject=ns.subject(SYNC_TASKS),
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                ack_wait=self._settings.ingest_task_ack_wait_seconds,
                max_deliver=-1,  # retries are bounded by the task's attempts, not here
            ),
        )
        return await self._messaging.js.pull_subscribe_bind(DURABLE, stream=stream)

    async def run(self, stop: asyncio.Event) -> None:
        psub = None
        while not stop.is_set():
            try:
                psub = psub or await self._subscribe()
                messages = await psub.fetch(1, timeout=1)
            except TimeoutError:
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning_limited("sync.fetch_failed", error=str(exc) or type(exc).__name__)
                await asyncio.sleep(0.5)
                continue
            for msg in messages:
                try:
                    await self.handle(msg)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the database is unreachable: the message comes back
                    log.warning_limited("sync.handle_failed", error=str(exc) or type(exc).__name__)
                    with contextlib.suppress(Exception):
                        await msg.nak(delay=self._settings.ingest_busy_retry_seconds)

    async def handle(self, msg: Msg) -> None:
        task_id = wrappers_pb2.Int64Value.FromString(msg.data).value
        async with self._deps.db.transaction() as session:
            task = await repo.get_task(session, task_id)
        if task is None:
            log.error("sync.unknown_task", task_id=task_id)
            await msg.term()
            return
        if task.status in TERMINAL:
            await msg.ack()  # a redelivery of a task that already finished
            return
        lease = uuid.uuid4()
        ack_wait = self._settings.ingest_task_ack_wait_seconds
        try:
            async with self._deps.db.transaction() as session:
                # Stale once it missed two beats: by the time JetStream redelivers (a whole ack
                # wait without a beat), the row says so too.
                claimed = await repo.claim(session, task_id, lease, ack_wait - beat_every(ack_wait))
        except IntegrityError:
            claimed = False  # another task of this account is running: wait for it
        if not claimed:
            await msg.nak(delay=self._settings.ingest_busy_retry_seconds)
            return

        async def renew_lease() -> None:
            async with self._deps.db.transaction() as session:
                await repo.heartbeat(session, task_id, lease)

        async with in_progress([msg], ack_wait, also=renew_lease):
            await self._run(msg, task_id, lease)

    async def _run(self, msg: Msg, task_id: int, lease: uuid.UUID) -> None:
        async with self._deps.db.transaction() as session:
            task = await repo.get_task(session, task_id)
        assert task is not None
        try:
            await run_task(self._deps, task, lease)
        except LeaseLost as exc:
            log.warning("sync.lease_lost", task_id=task_id, error=str(exc))
            return
        except ConnectorError as err:
            await self._failed(msg, task, lease, err.reason, err.message, err.retryable)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("sync.task_error", task_id=task_id, attempt=task.attempts)
            message = f"the sync failed unexpectedly ({type(exc).__name__}); see the ingest logs"
            await self._failed(msg, task, lease, "INTERNAL_ERROR", message, True)
            return
        await msg.ack()

    async def _failed(
        self, msg: Msg, task: TaskRow, lease: uuid.UUID, reason: str, text: str, retryable: bool
    ) -> None:
        if retryable and task.attempts < self._settings.ingest_task_max_attempts:
            async with self._deps.db.transaction() as session:
                await repo.requeue(session, task.id, lease, reason, text)
            delay = retry_delay(task.attempts, self._settings.ingest_task_retry_seconds)
            log.info("sync.task_retry", task_id=task.id, reason=reason, delay=delay)
            await msg.nak(delay=delay)
            return
        await fail_task(self._deps, task, lease, reason, text)
        await msg.ack()
