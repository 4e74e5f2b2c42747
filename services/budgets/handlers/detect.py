"""Re-judges an account's recent days after its costs changed: new anomalies are raised,
revised ones updated in place, ones that late data explains away removed, and dismissed
ones left alone for good."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from costgrid.budgets.v1 import events_pb2
from sqlalchemy.ext.asyncio import AsyncSession

from services.budgets.api import convert
from services.budgets.domain.anomaly import (
    MIN_HISTORY_DAYS,
    WINDOW_DAYS,
    Judgement,
    Thresholds,
    expected_range,
    judge,
)
from services.budgets.domain.periods import days
from services.budgets.domain.root_causes import Part, RootCause, rank
from services.budgets.handlers.events import publish
from services.budgets.repository import anomalies, costs
from services.budgets.repository.anomalies import ACTIVE, DISMISSED, AnomalyRow, Key
from services.common.messaging import ANOMALY_DETECTED
from services.common.wire import timestamp_proto

# A backfill re-judges only its most recent weeks: older days are history, not news.
EVALUATED_DAYS = 35
ACCOUNT_SCOPE, SERVICE_SCOPE = 1, 2

Cube = dict[Part, dict[date, Decimal]]


async def detect(
    session: AsyncSession, org_id: str, account_id: int, window: tuple[date, date]
) -> None:
    start = max(window[0], window[1] - timedelta(days=EVALUATED_DAYS - 1))
    first = await costs.first_day(session, org_id, account_id) or start
    rows = await costs.account_rows(
        session, org_id, account_id, (max(first, start - timedelta(days=WINDOW_DAYS)), window[1])
    )
    existing = await anomalies.for_account(session, org_id, account_id, (start, window[1]))
    thresholds = await anomalies.thresholds(session, org_id)
    name = (await costs.accounts(session, org_id, [account_id]))[account_id].name
    cubes: dict[str, Cube] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        cubes[row.currency][(row.service, row.region)][row.day] = row.amount
    judged: dict[Key, tuple[Judgement, list[RootCause]]] = {}
    for currency, cube in cubes.items():
        for day in days(start, window[1]):
            history = days(max(first, day - timedelta(days=WINDOW_DAYS)), day - timedelta(days=1))
            if len(history) < MIN_HISTORY_DAYS:
                continue
            for scope, service, parts in _series(cube, day):
                verdict = _judge(parts, day, history, thresholds, currency, (str(account_id), name))
                if verdict:
                    judged[Key(account_id, scope, service, currency, day)] = verdict
    for key in sorted(set(judged) | set(existing)):
        await _record(session, org_id, key, judged.get(key), existing.get(key))


def _series(cube: Cube, day: date) -> list[tuple[int, str, Cube]]:
    """The account total and each service with spend that day (no spend, no rise)."""
    services = sorted({service for (service, _), by_day in cube.items() if by_day.get(day)})
    return [(ACCOUNT_SCOPE, "", cube)] + [
        (SERVICE_SCOPE, s, {p: v for p, v in cube.items() if p[0] == s}) for s in services
    ]


def _judge(
    parts: Cube,
    day: date,
    history: list[date],
    thresholds: Thresholds,
    currency: str,
    account: tuple[str, str],
) -> tuple[Judgement, list[RootCause]] | None:
    actual = sum((by_day.get(day, Decimal(0)) for by_day in parts.values()), start=Decimal(0))
    if actual <= 0:
        return None
    values = [float(sum(by_day.get(d, Decimal(0)) for by_day in parts.values())) for d in history]
    expected = expected_range(values, history[0].weekday())
    if expected is None:
        return None
    verdict = judge(actual, expected, thresholds, convert.quantum(currency))
    if verdict is None:
        return None
    weeks = [day - timedelta(days=7 * k) for k in range(8, 0, -1)]
    weeks = [d for d in weeks if d >= history[0]]
    today = {p: by_day[day] for p, by_day in parts.items() if day in by_day}
    same_weekdays = {p: [by_day.get(d, Decimal(0)) for d in weeks] for p, by_day in parts.items()}
    by_service = len({service for service, _ in parts}) > 1
    causes = rank(
        today, same_weekdays, account, by_service, (verdict.impact, convert.quantum(currency))
    )
    return verdict, causes


async def _record(
    session: AsyncSession,
    org_id: str,
    key: Key,
    verdict: tuple[Judgement, list[RootCause]] | None,
    existing: AnomalyRow | None,
) -> None:
    if existing and existing.status == DISMISSED:
        return
    if verdict is None:
        if existing and existing.status == ACTIVE:
            await anomalies.delete(session, existing.id)
        return
    judgement, causes = verdict
    if existing and (existing.judgement, existing.root_causes) == (judgement, causes):
        return
    anomaly_id = await anomalies.save(session, org_id, key, judgement, causes)
    saved = await anomalies.get(session, org_id, anomaly_id)
    assert saved is not None
    await publish(
        session,
        ANOMALY_DETECTED,
        events_pb2.AnomalyDetected(
            occurred_at=timestamp_proto(saved.update_time), anomaly=convert.anomaly(saved)
        ),
        org_id,
    )
