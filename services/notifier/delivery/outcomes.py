"""An attempt's outcome recorded: the attempt log, the delivery's next state and, when it is
given up for good, `notifications.dead_lettered` through the outbox in the same transaction."""

from __future__ import annotations

import uuid
from typing import Any

from costgrid.notifier.v1 import events_pb2
from costgrid.notifier.v1 import service_pb2 as pb
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import Row

from services.common.db import Database
from services.common.logging import get_logger
from services.common.messaging import DEAD_LETTERED
from services.common.outbox import add_event
from services.notifier.api.convert import enum_value
from services.notifier.delivery.context import NotifierContext
from services.notifier.domain.model import DEAD, PENDING
from services.notifier.domain.retry import AttemptResult, decide
from services.notifier.repository import claims

log = get_logger(__name__)


async def record_many(
    db: Database, ctx: NotifierContext, outcomes: list[tuple[Row[Any], AttemptResult]]
) -> None:
    """Every outcome in one transaction and one statement: when many sends finish together,
    recording them costs about as much as recording one."""
    decided = [
        (row, result, decide(result, row.attempts, row.age_seconds, ctx.retry))
        for row, result in outcomes
    ]
    finished = [
        claims.Finished(
            row.id,
            row.attempts,
            "RETRY" if decision.status == PENDING else decision.status,
            decision.status,
            result.response_code,
            result.error,
            list(dict.fromkeys([*row.reached, *result.reached])),
            decision.delay,
        )
        for row, result, decision in decided
    ]
    async with db.transaction() as session:
        done = await claims.finish(session, finished)
        for (_row, result, decision), outcome in zip(decided, finished, strict=True):
            applied = done.get((outcome.delivery_id, outcome.attempt))
            if applied is not None and decision.status == DEAD:
                message = dead_lettered(applied, result)
                await add_event(
                    session,
                    DEAD_LETTERED,
                    message,
                    applied.org_id,
                    event_id=uuid.UUID(message.event_id),
                )
    for (row, result, decision), outcome in zip(decided, finished, strict=True):
        log.info(
            "notifier.delivery_attempt",
            delivery_id=row.id,
            event_id=row.event_id,
            channel_id=row.channel_id,
            attempt=row.attempts,
            outcome=outcome.outcome,
            response_code=result.response_code,
            error=result.error,
            retry_in=round(decision.delay, 3) if decision.status == PENDING else None,
            stale=(outcome.delivery_id, outcome.attempt) not in done,
        )


def dead_lettered(row: Row[Any], result: AttemptResult) -> events_pb2.NotificationDeadLettered:
    event_id = uuid.uuid4()
    occurred = Timestamp()
    occurred.GetCurrentTime()
    return events_pb2.NotificationDeadLettered(
        event_id=str(event_id),
        org_id=row.org_id,
        occurred_at=occurred,
        delivery_id=row.id,
        rule_id=row.rule_id,
        channel_id=row.channel_id,
        channel_type=enum_value(pb.ChannelType, f"CHANNEL_TYPE_{row.channel_type}"),
        trigger_type=enum_value(pb.TriggerType, f"TRIGGER_TYPE_{row.trigger_type}"),
        source_event_id=row.event_id,
        attempts=row.attempts,
        last_error=result.error,
        last_response_code=result.response_code,
    )
