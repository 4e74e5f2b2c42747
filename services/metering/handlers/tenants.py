"""Tenants, their plan windows (subscriptions) and credits."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import asyncpg
from google.protobuf.timestamp_pb2 import Timestamp

from services.common.caller import require_role
from services.common.dates import timestamp_moment
from services.common.db import Database
from services.common.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from services.common.idempotency import create_once
from services.common.money import parse_currency, parse_decimal
from services.common.names import optional_name
from services.metering.domain.allocations import Change, integral
from services.metering.domain.periods import epoch, period_of, segment_start
from services.metering.domain.pricing import version_at
from services.metering.handlers.terms import book_version, load_tenant
from services.metering.repository import catalog as repo
from services.metering.repository import lock_tenants, pg
from services.metering.repository import usage as usage_repo

TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
Tenant = tuple[asyncpg.Record, list[asyncpg.Record]]  # the tenant and its plan windows


async def _plan_in_effect(
    conn: asyncpg.Connection, org: str, plan_id: int, at: int, field: str
) -> asyncpg.Record:
    plan = (await repo.plans_by_id(conn, org, [plan_id])).get(plan_id)
    if plan is None:
        # Another organization's plan is as absent as one nobody has.
        raise NotFound(f"plan {plan_id} does not exist", reason="PLAN_NOT_FOUND", field=field)
    versions = [
        book_version(r) for r in await repo.book_versions(conn, org, [plan["price_book_name"]])
    ]
    version_at(sorted(versions, key=lambda v: v.effective_from), at, plan["price_book_name"])
    return plan


def _seconds(stamp: Timestamp | None, field: str) -> int | None:
    """An optional request time as whole epoch seconds, within the supported dates."""
    return None if stamp is None else int(timestamp_moment(stamp, field).timestamp())


async def create_tenant(
    db: Database,
    request_id: str,
    tenant_id: str,
    name: str,
    policy: int,
    plan_id: int,
    start_time: Timestamp | None,
) -> Tenant:
    org = require_role("admin").org_id
    start = _seconds(start_time, "start_time")
    if not TENANT_ID.match(tenant_id):
        raise InvalidArgument("tenant.id", "use 1-63 lowercase letters, digits, '.', '_' or '-'")
    if policy not in (1, 2):
        raise InvalidArgument("tenant.overage_policy", "must be ENFORCED or ALLOWED")
    start = int(time.time()) if start is None else start
    async with db.transaction() as session:
        conn = await pg(session)

        async def find(request_id: str) -> Tenant | None:
            found = await repo.tenant_by_request(conn, org, request_id)
            if found is None:
                return None
            return found, await repo.windows(conn, org, [found["tenant_id"]])

        async def insert() -> Tenant:
            plan = await _plan_in_effect(conn, org, plan_id, start, "plan_id")
            values = {
                "tenant_id": tenant_id,
                "name": optional_name(name, "tenant.name") or tenant_id,
                "overage_policy": policy,
                "currency": plan["currency"],
                "request_id": request_id,
            }
            if not await repo.insert_tenant(conn, org, values, start, plan_id):
                raise AlreadyExists(f"tenant '{tenant_id}' already exists", reason="TENANT_EXISTS")
            return await _tenant(conn, org, tenant_id)

        once = await create_once(request_id, find, insert)
        return once.row


async def _tenant(conn: asyncpg.Connection, org: str, tenant_id: str) -> Tenant:
    row = await repo.tenant(conn, org, tenant_id)
    if row is None:
        raise NotFound(f"tenant '{tenant_id}' does not exist", reason="TENANT_NOT_FOUND")
    return row, await repo.windows(conn, org, [tenant_id])


async def get_tenant(db: Database, org: str, tenant_id: str) -> Tenant:
    async with db.transaction() as session:
        return await _tenant(await pg(session), org, tenant_id)


async def list_tenants(db: Database, org: str, after: str, limit: int) -> list[Tenant]:
    async with db.transaction() as session:
        conn = await pg(session)
        rows = await repo.list_tenants(conn, org, after, limit)
        windows = await repo.windows(conn, org, [r["tenant_id"] for r in rows])
    return [(r, [w for w in windows if w["tenant_id"] == r["tenant_id"]]) for r in rows]


async def change_subscription(
    db: Database, tenant_id: str, plan_id: int, effective_time: Timestamp | None
) -> Tenant:
    org = require_role("admin").org_id
    at = _seconds(effective_time, "effective_time")
    at = int(time.time()) if at is None else at
    async with db.transaction() as session:
        conn = await pg(session)
        await lock_tenants(conn, org, [tenant_id])
        view = await load_tenant(conn, org, tenant_id)
        current = view.windows[-1]
        if current.plan.id == plan_id:
            return await _tenant(conn, org, tenant_id)
        if at <= current.start:
            raise InvalidArgument("effective_time", "must be after the current plan window's start")
        if await _is_closed(conn, org, tenant_id, at):
            raise FailedPrecondition(f"{period_of(at)} is closed", reason="PERIOD_CLOSED")
        plan = await _plan_in_effect(conn, org, plan_id, at, "plan_id")
        if plan["currency"] != view.row["currency"]:
            raise FailedPrecondition(
                f"the tenant is billed in {view.row['currency']}, plan {plan_id} in {plan['currency']}",
                reason="CURRENCY_MISMATCH",
            )
        await _split_segments(conn, org, tenant_id, [w.start for w in view.windows], at)
        await repo.insert_window(conn, org, tenant_id, at, plan_id)
        return await _tenant(conn, org, tenant_id)


async def _is_closed(conn: asyncpg.Connection, org: str, tenant_id: str, at: int) -> bool:
    terms = await usage_repo.tenant_terms(conn, org, [tenant_id])
    return period_of(at) in terms[0]["closed"]


async def _split_segments(
    conn: asyncpg.Connection, org: str, tenant_id: str, cuts: list[int], at: int
) -> None:
    """A plan change cuts its day's segment in two: move what lies after `at` to a new one."""
    seg = segment_start(at, cuts)
    if seg == at:
        return
    for state in await usage_repo.tenant_states(conn, org, tenant_id):
        key = (tenant_id, state["cluster_id"], state["meter"])
        if state["last_at"] <= seg:
            continue  # nothing integrated past the cut: the tail is rated when read
        points = await usage_repo.history_from(
            conn, org, key, Change(seg, "", Decimal(0)), before=at
        )
        end = min(at, state["last_at"])
        before = integral(points, max(seg, points[0].at), end) if points else Decimal(0)
        after = await usage_repo.segment_value(conn, org, key, seg) - before
        if after:
            await usage_repo.move_segment(
                conn, org, tenant_id, (state["meter"], state["cluster_id"]), (seg, at, after)
            )


async def add_credit(
    db: Database,
    request_id: str,
    tenant_id: str,
    amount: tuple[str, str],
    expire_time: Timestamp | None,
    reason: str,
) -> asyncpg.Record:
    org = require_role("admin").org_id
    expire = None if expire_time is None else timestamp_moment(expire_time, "expire_time")
    value = parse_decimal(amount[0], "amount.amount")
    if value <= 0:
        raise InvalidArgument("amount.amount", "must be positive")
    currency = parse_currency(amount[1], "amount.currency_code")
    if expire is not None and epoch(expire) <= time.time():
        raise InvalidArgument("expire_time", "is already in the past")
    async with db.transaction() as session:
        conn = await pg(session)

        async def insert() -> asyncpg.Record:
            tenant, _ = await _tenant(conn, org, tenant_id)
            if currency != tenant["currency"]:
                raise InvalidArgument(
                    "amount.currency_code", f"the tenant is billed in {tenant['currency']}"
                )
            return await repo.insert_credit(
                conn, org, tenant_id, value, currency, expire, reason, request_id
            )

        once = await create_once(
            request_id, lambda rid: repo.credit_by_request(conn, org, rid), insert
        )
        return once.row


async def list_credits(
    db: Database, org: str, tenant_id: str, after: int, limit: int
) -> list[asyncpg.Record]:
    async with db.transaction() as session:
        return await repo.list_credits(await pg(session), org, tenant_id, after, limit)
