"""Anomaly use cases: list, get, dismiss, and the per-org minimum impact."""

from __future__ import annotations

from datetime import date, timedelta

from services.budgets.deps import Deps
from services.budgets.domain.anomaly import Thresholds
from services.budgets.repository import anomalies as repo
from services.budgets.repository.anomalies import DISMISSED, AnomalyRow
from services.common.caller import current_caller, require_role
from services.common.errors import NotFound


def _missing(anomaly_id: int) -> NotFound:
    return NotFound(f"anomaly {anomaly_id} not found", reason="ANOMALY_NOT_FOUND")


async def page(
    deps: Deps,
    days_back: int,
    filters: tuple[list[int], int, int],
    after: tuple[date, int] | None,
    limit: int,
) -> list[AnomalyRow]:
    org = current_caller().org_id
    since = deps.today() - timedelta(days=days_back)
    async with deps.db.transaction() as session:
        return await repo.page(session, org, since, filters, after, limit)


async def get(deps: Deps, anomaly_id: int) -> AnomalyRow:
    org = current_caller().org_id
    async with deps.db.transaction() as session:
        found = await repo.get(session, org, anomaly_id)
    if found is None:
        raise _missing(anomaly_id)
    return found


async def dismiss(deps: Deps, anomaly_id: int, reason: str) -> AnomalyRow:
    """Idempotent: dismissing again keeps the first reason, who and when."""
    caller = require_role("member")
    async with deps.db.transaction() as session:
        found = await repo.get(session, caller.org_id, anomaly_id, for_update=True)
        if found is None:
            raise _missing(anomaly_id)
        if found.status != DISMISSED:
            await repo.dismiss(session, anomaly_id, reason, caller.principal)
        dismissed = await repo.get(session, caller.org_id, anomaly_id)
    assert dismissed is not None
    return dismissed


async def thresholds(deps: Deps) -> Thresholds:
    org = current_caller().org_id
    async with deps.db.transaction() as session:
        return await repo.thresholds(session, org)


async def update_thresholds(deps: Deps, changes: dict[str, object]) -> Thresholds:
    org = require_role("member").org_id
    async with deps.db.transaction() as session:
        current = await repo.thresholds(session, org)
        updated = Thresholds(
            changes.get("min_impact_amount", current.min_impact_amount),  # type: ignore[arg-type]
            changes.get("min_impact_percent", current.min_impact_percent),  # type: ignore[arg-type]
        )
        await repo.save_thresholds(session, org, updated)
    return updated
