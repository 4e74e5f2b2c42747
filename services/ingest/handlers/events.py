"""The ingest service's events, added to the outbox in the transaction that commits the change.

A `costs.updated` for a big window is split into several events of whole days each (every
event still replaces exactly the days of its own window), so no message outgrows NATS's
payload limit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import groupby

from costgrid.common.v1 import date_range_pb2, money_pb2
from costgrid.ingest.v1 import events_pb2
from google.protobuf import timestamp_pb2, wrappers_pb2
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.messaging import (
    ACCOUNT_DELETED,
    COSTS_UPDATED,
    SYNC_COMPLETED,
    SYNC_FAILED,
    SYNC_TASKS,
)
from services.common.money import decimal_str
from services.common.outbox import add_event
from services.ingest.api.convert import provider_enum
from services.ingest.domain.cost_items import DateWindow
from services.ingest.repository.cost_storage import DailyTotal
from services.ingest.sync.chunks import Owner

# About 60 bytes each: 5,000 entries keep an event near 300 KB, well under NATS's 1 MB.
MAX_DAILY_COSTS_PER_EVENT = 5_000


def _now() -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(datetime.now(UTC))
    return stamp


def date_range(window: DateWindow) -> date_range_pb2.DateRange:
    return date_range_pb2.DateRange(
        start_date=window.start.isoformat(), end_date=window.end.isoformat()
    )


def _windows(
    window: DateWindow, daily: list[DailyTotal], limit: int
) -> Iterator[tuple[DateWindow, list[DailyTotal]]]:
    """Consecutive sub-windows covering `window` whole days at a time, each with at most
    `limit` entries (unless one day alone has more)."""
    by_day = {day: list(items) for day, items in groupby(daily, key=lambda t: t.day)}
    start = window.start
    batch: list[DailyTotal] = []
    for day in window.days():
        todays = by_day.get(day, [])
        if batch and len(batch) + len(todays) > limit:
            yield DateWindow(start, day - timedelta(days=1)), batch
            start, batch = day, []
        batch.extend(todays)
    yield DateWindow(start, window.end), batch


async def costs_updated(
    session: AsyncSession,
    owner: Owner,
    account_name: str,
    window: DateWindow,
    daily: list[DailyTotal],
    limit: int = MAX_DAILY_COSTS_PER_EVENT,
) -> int:
    """Adds one or more events; returns how many."""
    count = 0
    for part, totals in _windows(window, daily, limit):
        event_id = uuid.uuid4()
        message = events_pb2.CostsUpdated(
            event_id=str(event_id),
            org_id=owner.org_id,
            occurred_at=_now(),
            account_id=owner.account_id,
            account_name=account_name,
            provider=provider_enum(owner.provider),
            window_start=part.start.isoformat(),
            window_end=part.end.isoformat(),
            daily_costs=[
                events_pb2.DailyCost(
                    date=t.day.isoformat(),
                    service=t.service,
                    region=t.region,
                    amount=money_pb2.Money(currency_code=t.currency, amount=decimal_str(t.amount)),
                )
                for t in totals
            ],
        )
        await add_event(session, COSTS_UPDATED, message, owner.org_id, event_id)
        count += 1
    return count


async def sync_completed(
    session: AsyncSession, job_id: int, owner: Owner, name: str, window: DateWindow, rows: int
) -> None:
    event_id = uuid.uuid4()
    message = events_pb2.SyncCompleted(
        event_id=str(event_id),
        org_id=owner.org_id,
        occurred_at=_now(),
        job_id=job_id,
        account_id=owner.account_id,
        account_name=name,
        provider=provider_enum(owner.provider),
        window=date_range(window),
        rows=rows,
    )
    await add_event(session, SYNC_COMPLETED, message, owner.org_id, event_id)


async def sync_failed(
    session: AsyncSession,
    job_id: int,
    owner: Owner,
    name: str,
    window: DateWindow,
    reason: str,
    text: str,
) -> None:
    event_id = uuid.uuid4()
    message = events_pb2.SyncFailed(
        event_id=str(event_id),
        org_id=owner.org_id,
        occurred_at=_now(),
        job_id=job_id,
        account_id=owner.account_id,
        account_name=name,
        provider=provider_enum(owner.provider),
        window=date_range(window),
        reason=reason,
        message=text,
    )
    await add_event(session, SYNC_FAILED, message, owner.org_id, event_id)


async def account_deleted(session: AsyncSession, owner: Owner, name: str) -> None:
    event_id = uuid.uuid4()
    message = events_pb2.CloudAccountDeleted(
        event_id=str(event_id),
        org_id=owner.org_id,
        occurred_at=_now(),
        account_id=owner.account_id,
        account_name=name,
        provider=provider_enum(owner.provider),
    )
    await add_event(session, ACCOUNT_DELETED, message, owner.org_id, event_id)


async def task_queued(session: AsyncSession, org_id: str, task_id: int) -> None:
    """The work-queue message: only the task id; everything else is read from the database
    when a worker takes it, so a retry always sees the current account."""
    await add_event(session, SYNC_TASKS, wrappers_pb2.Int64Value(value=task_id), org_id)
