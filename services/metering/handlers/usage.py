"""Usage in: validate each event, de-duplicate by id, fold the new ones into the aggregates.

One call handles a whole batch (an RPC's events, or every message of a fetched JetStream
batch) in the caller's transaction: a few statements per batch, not per event. Tenants are
locked first, so concurrent batches, plan changes and closings of one tenant serialize.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from services.metering.domain.allocations import Change, apply_in_order, apply_late, is_in_order
from services.metering.domain.periods import period_bounds
from services.metering.domain.usage import (
    Accepted,
    BatchTotals,
    EventFields,
    Rejection,
    TenantTerms,
    check,
)
from services.metering.handlers import allowances
from services.metering.repository import lock_tenants, pg
from services.metering.repository import usage as repo

ACCEPTED, DUPLICATE, REJECTED = "ACCEPTED", "DUPLICATE", "REJECTED"


@dataclass(frozen=True, slots=True)
class Outcome:
    outcome: str
    reason: str = ""
    message: str = ""


_ACCEPTED = Outcome(ACCEPTED)
_DUPLICATE = Outcome(DUPLICATE, message="already applied")


async def apply_usage(
    session: AsyncSession, org: str, events: Sequence[EventFields], now: int | None = None
) -> list[Outcome]:
    conn = await pg(session)
    now = int(time.time()) if now is None else now
    tenant_ids = sorted({e[1] for e in events})
    await lock_tenants(conn, org, tenant_ids)
    terms, enforced = await _tenant_terms(conn, org, tenant_ids)
    outcomes: list[Outcome] = []
    accepted: list[Accepted] = []
    seen: set[str] = set()
    for i, (event_id, tenant, cluster, meter, unit, quantity, at) in enumerate(events):
        result = check(event_id, tenant, meter, unit, quantity, at, terms.get(tenant), now)
        if isinstance(result, Rejection):
            outcomes.append(Outcome(REJECTED, result.reason, result.message))
        elif event_id in seen:
            outcomes.append(_DUPLICATE)
        else:
            seen.add(event_id)
            outcomes.append(_ACCEPTED)
            accepted.append(
                Accepted(i, event_id, tenant, cluster, meter, at or 0, result, quantity)
            )
    if not accepted:
        return outcomes
    new_ids = await repo.record_events(conn, org, accepted)
    totals = BatchTotals()
    for event in accepted:
        if event.id in new_ids:
            totals.add(event)
        else:
            outcomes[event.position] = _DUPLICATE
    await _apply_allocations(conn, org, totals, terms, new_ids)
    await _apply_samples(conn, org, totals)
    watched = sorted(pair for pair in totals.sampled if pair[0] in enforced)
    if watched:
        await allowances.notify_reached(session, org, watched)
    return outcomes


async def _tenant_terms(
    conn: asyncpg.Connection, org: str, tenant_ids: list[str]
) -> tuple[dict[str, TenantTerms], set[str]]:
    terms, enforced = {}, set()
    for row in await repo.tenant_terms(conn, org, tenant_ids):
        starts = tuple(row["starts"])
        closed = tuple(period_bounds(p) for p in row["closed"])
        terms[row["tenant_id"]] = TenantTerms.of(starts, closed)
        if row["overage_policy"] == 1:
            enforced.add(row["tenant_id"])
    return terms, enforced


async def _apply_allocations(
    conn: asyncpg.Connection,
    org: str,
    totals: BatchTotals,
    terms: dict[str, TenantTerms],
    new_ids: set[str],
) -> None:
    if not totals.changes:
        return
    changes = totals.sorted_changes()
    states = await repo.states(conn, org, changes)
    deltas: dict[tuple[str, int, str, str], Decimal] = {}
    latest: dict[repo.Key, Change] = {}
    for key, new in changes.items():
        tenant, cluster, meter = key
        per_segment: dict[int, Decimal] = {}
        last = states.get(key)
        cuts = terms[tenant].cuts
        if is_in_order(last, new):
            latest[key] = apply_in_order(last, new, cuts, per_segment)
        else:
            assert last is not None
            # The history already holds this batch's changes: the old function is without them.
            history = await repo.history_from(conn, org, key, new[0])
            old = [c for c in history if c.id not in new_ids]
            latest[key] = apply_late(old, last, new, cuts, per_segment)
        for seg, qs in per_segment.items():
            if qs:
                deltas[tenant, seg, meter, cluster] = qs
    if deltas:
        await repo.add_segments(conn, org, deltas)
    await repo.save_states(conn, org, latest)


async def _apply_samples(conn: asyncpg.Connection, org: str, totals: BatchTotals) -> None:
    if totals.logs:
        await repo.add_logs(conn, org, totals.logs)
    if totals.histogram:
        await repo.add_histogram(conn, org, totals.histogram)
        await repo.add_series_counts(conn, org, totals.histogram)
    if totals.peaks:
        await repo.add_peaks(conn, org, totals.peaks)
