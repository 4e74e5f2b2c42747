"""Closing periods into statements: on demand and, after period end plus grace, in the background.

A statement is written once per (tenant, period) under the tenant's lock, with its
PeriodClosed event in the same transaction; closing again returns it untouched. Periods close
in order, so the closed ones are always a prefix of the tenant's history. The close that leaves
no tenant of the organization open in the period also drops the period's applied ids from the
ledger (two last tenants closed at the same moment may both leave them: only space is lost),
and every close drops the tenant's allocation history that no late change can need any more.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

import asyncpg

from services.common.caller import require_role
from services.common.db import Database
from services.common.errors import FailedPrecondition, NotFound
from services.common.logging import get_logger
from services.common.messaging import PERIOD_CLOSED
from services.common.outbox import add_event
from services.metering.api import convert
from services.metering.domain.periods import next_period, period_bounds, period_of
from services.metering.domain.statement import statement_lines
from services.metering.handlers.billing import rate
from services.metering.handlers.terms import load_tenant
from services.metering.repository import catalog, ledger, lock_tenants, pg
from services.metering.repository import statements as repo
from services.metering.repository import usage as usage_repo

log = get_logger(__name__)


async def close_for_caller(
    db: Database, tenant_id: str, period: str
) -> tuple[asyncpg.Record, bool]:
    """ClosePeriod: an admin's close, the role checked before the period is read. The closing
    loop acts for every organization through `close_period`."""
    org = require_role("admin").org_id
    return await close_period(db, org, tenant_id, period)


async def close_period(
    db: Database, org: str, tenant_id: str, period: str, now: int | None = None
) -> tuple[asyncpg.Record, bool]:
    """(statement, already_closed)."""
    now = int(time.time()) if now is None else now
    start, end = period_bounds(period)
    async with db.transaction() as session:
        conn = await pg(session)
        await lock_tenants(conn, org, [tenant_id])
        view = await load_tenant(conn, org, tenant_id)
        existing = await repo.statement_for(conn, org, tenant_id, period)
        if existing is not None:
            return existing, True
        if now < end:
            raise FailedPrecondition(
                f"period {period} has not ended yet", reason="PERIOD_NOT_ENDED", period=period
            )
        if end <= view.first_start:
            raise FailedPrecondition(
                f"tenant '{tenant_id}' had no plan in {period}", reason="NO_PLAN_IN_PERIOD"
            )
        earlier = period_of(start - 1)
        if start > view.first_start and not await repo.statement_for(conn, org, tenant_id, earlier):
            raise FailedPrecondition(
                f"close {earlier} first: periods close in order", reason="EARLIER_PERIOD_OPEN"
            )
        charges = await rate(conn, org, view, period, end)
        row = await repo.insert_statement(
            conn, org, view.row, period, statement_lines(charges), charges.total
        )
        spent = [(credit.id, applied) for credit, applied in charges.credits]
        if spent:
            await catalog.spend_credits(conn, org, spent)
        await ledger.forget_closed(conn, org, period, end)
        await usage_repo.forget_history_before(conn, org, tenant_id, end)
        event_id = uuid.uuid4()
        event = convert.period_closed(str(event_id), org, row, datetime.now(UTC))
        await add_event(session, PERIOD_CLOSED, event, org, event_id=event_id)
    log.info("metering.period_closed", tenant=tenant_id, period=period, total=str(charges.total))
    return row, False


async def get_statement(db: Database, org: str, statement_id: int) -> asyncpg.Record:
    async with db.transaction() as session:
        row = await repo.statement(await pg(session), org, statement_id)
    if row is None:
        raise NotFound(f"statement {statement_id} does not exist", reason="STATEMENT_NOT_FOUND")
    return row


async def list_statements(
    db: Database, org: str, tenant_id: str, after: tuple[str, str, int] | None, limit: int
) -> list[asyncpg.Record]:
    async with db.transaction() as session:
        return await repo.list_statements(await pg(session), org, tenant_id, after, limit)


async def close_due(db: Database, grace_seconds: float, now: int | None = None) -> int:
    """Closes every period that ended more than `grace_seconds` ago; returns how many."""
    now = int(time.time()) if now is None else now
    async with db.transaction() as session:
        tenants = await repo.closable(await pg(session), int(now - grace_seconds))
    closed = 0
    for row in tenants:
        period = (
            next_period(row["last_closed"]) if row["last_closed"] else period_of(row["first_start"])
        )
        while period_bounds(period)[1] + grace_seconds <= now:
            try:
                _, already = await close_period(db, row["org_id"], row["tenant_id"], period, now)
            except Exception as exc:  # one tenant's trouble must not stop the others
                log.warning(
                    "metering.close_failed", tenant=row["tenant_id"], period=period, error=str(exc)
                )
                break
            closed += not already
            period = next_period(period)
    return closed


def closing_loop(db: Database, grace_seconds: float, interval_seconds: float):  # type: ignore[no-untyped-def]
    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await close_due(db, grace_seconds)
            except Exception as exc:  # the database is away: try again next round
                log.warning_limited("metering.closing_failed", error=str(exc) or type(exc).__name__)
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
            except TimeoutError:
                pass

    return run
