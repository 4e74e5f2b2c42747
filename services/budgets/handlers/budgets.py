"""Budget use cases: create (idempotent), read with status, update, delete, alert history."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import Any

from services.budgets.deps import Deps
from services.budgets.domain.budget import Budget, BudgetSpec
from services.budgets.domain.status import Status
from services.budgets.handlers.alerts import evaluate, status_of
from services.budgets.repository import budgets as repo
from services.budgets.repository import costs as costs_repo
from services.budgets.repository.budgets import Alert
from services.common.caller import current_caller, require_role
from services.common.cloud_accounts import require_cloud_accounts
from services.common.errors import NotFound, Unavailable
from services.common.idempotency import create_once

Standing = tuple[Budget, Status, int]


def _missing(budget_id: int) -> NotFound:
    return NotFound(f"budget {budget_id} not found", reason="BUDGET_NOT_FOUND")


async def _require_accounts(deps: Deps, org: str, account_ids: Iterable[int]) -> None:
    """A scope names accounts of the caller's organization only: the read model knows those
    with costs; ingest is asked about the others (connected, no costs yet, or not ours)."""
    wanted = list(account_ids)
    if not wanted:
        return
    async with deps.db.transaction() as session:
        known = await costs_repo.accounts(session, org, wanted)
    unknown = [a for a in wanted if a not in known]
    if unknown:
        if deps.ingest is None:
            raise Unavailable("no ingest to confirm the scope's accounts", reason="NO_INGEST")
        await require_cloud_accounts(deps.ingest(), unknown, "budget.scope.account_ids")


async def create(deps: Deps, spec: BudgetSpec, request_id: str) -> Standing:
    org = require_role("member").org_id
    await _require_accounts(deps, org, spec.scope.account_ids)
    today = deps.today()
    async with deps.db.transaction() as session:
        once = await create_once(
            request_id,
            lambda request_id: repo.by_request(session, org, request_id),
            lambda: repo.insert(session, org, spec, request_id or None, today),
        )
        budget = once.row
        if once.created:
            await evaluate(session, org, budget, today, (today, today))
        status, level = await status_of(session, org, budget, today)
    return budget, status, level


async def get(deps: Deps, budget_id: int, as_of: date | None = None) -> Standing:
    org = current_caller().org_id
    async with deps.db.transaction() as session:
        budget = await repo.get(session, org, budget_id)
        if budget is None:
            raise _missing(budget_id)
        status, level = await status_of(session, org, budget, as_of or deps.today())
    return budget, status, level


async def page(deps: Deps, after_id: int, limit: int) -> list[Standing]:
    org = current_caller().org_id
    today = deps.today()
    async with deps.db.transaction() as session:
        result = []
        for budget in await repo.page(session, org, after_id, limit):
            status, level = await status_of(session, org, budget, today)
            result.append((budget, status, level))
    return result


async def update(deps: Deps, budget_id: int, changes: dict[str, Any]) -> Standing:
    """`changes`: validated BudgetSpec fields; alerts already fired this period stay fired."""
    org = require_role("member").org_id
    if "scope" in changes:
        async with deps.db.transaction() as session:
            if await repo.get(session, org, budget_id) is None:
                raise _missing(budget_id)
        await _require_accounts(deps, org, changes["scope"].account_ids)
    today = deps.today()
    async with deps.db.transaction() as session:
        budget = await repo.get(session, org, budget_id, for_update=True)
        if budget is None:
            raise _missing(budget_id)
        budget = await repo.update(
            session, org, budget_id, dataclasses.replace(budget.spec, **changes)
        )
        await evaluate(session, org, budget, today, (today, today))
        status, level = await status_of(session, org, budget, today)
    return budget, status, level


async def delete(deps: Deps, budget_id: int) -> None:
    org = require_role("member").org_id
    async with deps.db.transaction() as session:
        if not await repo.delete(session, org, budget_id):
            raise _missing(budget_id)


async def alerts(deps: Deps, budget_id: int, before_id: int | None, limit: int) -> list[Alert]:
    org = current_caller().org_id
    async with deps.db.transaction() as session:
        if budget_id and await repo.get(session, org, budget_id) is None:
            raise _missing(budget_id)
        return await repo.alerts_page(session, org, budget_id, before_id, limit)
