"""Usage in: validate each event, drop ids already applied, fold the new ones into aggregates.

One transaction takes a whole batch (an RPC's events, or every message of a fetched JetStream
batch): a few statements per organization, not per event. The organization's usage lock comes
first (its ledger and id sets take one writer at a time), then its tenants' locks, so batches,
plan changes and closings of one tenant serialize.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.caller import require_role
from services.common.db import Database
from services.common.errors import InvalidArgument
from services.metering.domain.allocations import Change, apply_late, close_tail, is_in_order
from services.metering.domain.digests import Digests
from services.metering.domain.periods import period_bounds
from services.metering.domain.usage import (
    Accepted,
    BatchTotals,
    Events,
    Folded,
    Rejection,
    TenantTerms,
    fold_batch,
    sort_out,
)
from services.metering.handlers import allowances
from services.metering.handlers.seen_ids import SeenIds
from services.metering.repository import ledger, lock_usage, pg
from services.metering.repository import usage as repo

ACCEPTED, DUPLICATE, REJECTED = "ACCEPTED", "DUPLICATE", "REJECTED"
MAX_EVENTS_PER_CALL = 10_000


@dataclass(frozen=True, slots=True)
class Outcome:
    outcome: str
    reason: str = ""
    message: str = ""


_ACCEPTED = Outcome(ACCEPTED)
_DUPLICATE = Outcome(DUPLICATE, message="already applied")


@dataclass
class Applied:
    outcomes: list[Outcome]
    ledger_rows: dict[str, int]  # period -> seq of the ledger row written
    keys: dict[str, Digests]  # period -> digests of the ids applied now


@dataclass
class Sorted:
    """A batch validated against its tenants' terms as read at `now`."""

    tenant_ids: list[str]
    terms: dict[str, TenantTerms]
    enforced: set[str]
    now: int
    rejections: list[Rejection | None]
    accepted: Accepted
    folded: Folded | None = None  # against the ids known when sorted


async def presort(
    db: Database,
    seen: SeenIds,
    batches: Mapping[str, Events],
    now: int | None = None,
) -> dict[str, Sorted]:
    """Validation and folding ahead of the write, without locks: the part that runs in parallel.

    The fold takes the ids this process knows as the applied ones. `apply_usage` re-reads the
    terms under the locks and brings the ids up to date; when either changed what the fold
    assumed, it sorts or folds again.
    """
    now = int(time.time()) if now is None else now
    sorted_ = {}
    async with db.transaction() as session:
        conn = await pg(session)
        for org, events in batches.items():
            ready = await _sort(conn, org, events, now)
            known = seen.known(org, set(ready.accepted.periods))
            ready.folded = fold_batch(ready.accepted, known, ready.terms)
            sorted_[org] = ready
    return sorted_


async def record_for_caller(
    db: Database, seen: SeenIds, size: int, read: Callable[[], Events | None]
) -> tuple[Events, list[Outcome]]:
    """RecordUsage: a member's events (`size` of them), in the caller's organization.

    The role comes before anything about the request, then its size; only then is it read
    (`read` converts it, None when its columns differ in length), so a refused call costs
    no conversion. The workers act for every organization through `record_usage`.
    """
    org = require_role("member").org_id
    if size > MAX_EVENTS_PER_CALL:
        raise InvalidArgument("events", f"at most {MAX_EVENTS_PER_CALL} events per call")
    events = read()
    if events is None:
        raise InvalidArgument("columns", "every column needs one entry per event")
    return events, (await record_usage(db, seen, {org: events}))[org]


async def record_usage(
    db: Database,
    seen: SeenIds,
    batches: Mapping[str, Events],
    now: int | None = None,
    presorted: dict[str, Sorted] | None = None,
) -> dict[str, list[Outcome]]:
    """Each organization's events, all in one transaction; outcomes in the order given."""
    applied: dict[str, Applied] = {}
    async with db.transaction() as session:
        for org in sorted(batches):  # a fixed lock order across concurrent writers
            ready = presorted.get(org) if presorted else None
            applied[org] = await apply_usage(session, seen, org, batches[org], now, ready)
    for org, result in applied.items():
        if result.ledger_rows:
            seen.committed(org, result.ledger_rows, result.keys)
    return {org: result.outcomes for org, result in applied.items()}


async def apply_usage(
    session: AsyncSession,
    seen: SeenIds,
    org: str,
    events: Events,
    now: int | None = None,
    presorted: Sorted | None = None,
) -> Applied:
    """Applies in the caller's transaction; `seen` learns the ids only after it commits."""
    conn = await pg(session)
    tenant_ids = sorted(set(events.tenants)) if presorted is None else presorted.tenant_ids
    await lock_usage(conn, org, tenant_ids)
    if presorted is not None:
        now = presorted.now
    now = int(time.time()) if now is None else now
    sorted_ = await _sort(conn, org, events, now, tenant_ids, presorted)
    terms, enforced, rejections, accepted = (
        sorted_.terms,
        sorted_.enforced,
        sorted_.rejections,
        sorted_.accepted,
    )
    outcomes = [
        _ACCEPTED if r is None else Outcome(REJECTED, r.reason, r.message) for r in rejections
    ]
    if not accepted:
        return Applied(outcomes, {}, {})
    applied = await seen.load(conn, org, set(accepted.periods))
    folded = sorted_.folded
    if folded is None or not folded.still_new(applied):
        folded = fold_batch(accepted, applied, terms)
    for position in folded.duplicates:
        outcomes[position] = _DUPLICATE
    fresh, totals = folded.fresh, folded.totals
    if not fresh:
        return Applied(outcomes, {}, {})
    rows = await ledger.append(conn, org, fresh)
    await _apply_allocations(conn, org, folded, terms)
    await _apply_samples(conn, org, totals)
    watched = sorted(pair for pair in totals.sampled if pair[0] in enforced)
    if watched:
        await allowances.notify_reached(session, org, watched)
    return Applied(outcomes, rows, folded.keys)


async def _sort(
    conn: asyncpg.Connection,
    org: str,
    events: Events,
    now: int,
    tenant_ids: list[str] | None = None,
    done: Sorted | None = None,
) -> Sorted:
    """Validates against the terms read now; reuses `done` when they have not changed."""
    if tenant_ids is None:
        tenant_ids = sorted(set(events.tenants))
    terms, enforced = await _tenant_terms(conn, org, tenant_ids)
    if done is not None and done.terms == terms and done.enforced == enforced:
        return done
    rejections, accepted = sort_out(events, terms, now)
    return Sorted(tenant_ids, terms, enforced, now, rejections, accepted)


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
    conn: asyncpg.Connection, org: str, folded: Folded, terms: dict[str, TenantTerms]
) -> None:
    changes = folded.changes
    if not changes:
        return
    states = await repo.states(conn, org, changes)
    deltas: dict[tuple[str, int, str, str], Decimal] = {}
    latest: dict[repo.Key, Change] = {}
    for key, new in changes.items():
        tenant, cluster, meter = key
        last = states.get(key)
        cuts = terms[tenant].cuts
        if is_in_order(last, new):
            per_segment = dict(folded.inner[key])
            close_tail(last, new[0], cuts, per_segment)
            latest[key] = Change(*new[-1])
        else:
            assert last is not None
            per_segment = {}
            old = await repo.history_from(conn, org, key, new[0])
            latest[key] = apply_late(old, last, new, cuts, per_segment)
        for seg, qs in per_segment.items():
            if qs:
                deltas[tenant, seg, meter, cluster] = qs
    if deltas:
        await repo.add_segments(conn, org, deltas)
    await repo.save_states(conn, org, latest)
    await repo.add_chunks(conn, org, changes)


async def _apply_samples(conn: asyncpg.Connection, org: str, totals: BatchTotals) -> None:
    if totals.logs:
        await repo.add_logs(conn, org, totals.logs)
    if totals.histogram:
        await repo.add_histogram(conn, org, totals.histogram)
        await repo.add_series_counts(conn, org, totals.histogram)
    if totals.peaks:
        await repo.add_peaks(conn, org, totals.peaks)
