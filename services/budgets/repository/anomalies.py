"""Anomalies (one row per org, account, scope, service, currency and day) and their settings."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.budgets.domain.anomaly import DEFAULT_THRESHOLDS, Judgement, Severity, Thresholds
from services.budgets.domain.root_causes import Dimension, RootCause

ACTIVE, DISMISSED = 1, 2


class Key(NamedTuple):
    account_id: int
    scope: int
    service: str
    currency: str
    day: date


class AnomalyRow(NamedTuple):
    id: int
    key: Key
    account_name: str
    provider: int
    judgement: Judgement
    root_causes: list[RootCause]
    status: int
    detect_time: datetime
    update_time: datetime
    dismiss_reason: str
    dismissed_by: str
    dismiss_time: datetime | None


_SELECT = (
    "SELECT n.id, n.account_id, n.scope, n.service, n.currency, n.day, a.name, a.provider, "
    "n.expected_low, n.expected_high, n.actual, n.impact, n.impact_percent, n.severity, "
    "n.root_causes, n.status, n.detect_time, n.update_time, n.dismiss_reason, n.dismissed_by, "
    "n.dismiss_time FROM anomalies n JOIN accounts a "
    "ON a.org_id = n.org_id AND a.account_id = n.account_id "
)


def _row(r: Row[Any]) -> AnomalyRow:
    key = Key(r.account_id, r.scope, r.service, r.currency.strip(), r.day)
    judgement = Judgement(
        r.expected_low, r.expected_high, r.actual, r.impact, r.impact_percent, Severity(r.severity)
    )
    causes = [
        RootCause(
            Dimension(c["d"]),
            c["k"],
            c["l"],
            Decimal(c["i"]),
            Decimal(c["p"]),
            Decimal(c["a"]) if "a" in c else None,
        )
        for c in r.root_causes
    ]
    return AnomalyRow(
        r.id,
        key,
        r.name,
        r.provider,
        judgement,
        causes,
        r.status,
        r.detect_time,
        r.update_time,
        r.dismiss_reason,
        r.dismissed_by,
        r.dismiss_time,
    )


def _causes_json(causes: list[RootCause]) -> str:
    return json.dumps(
        [
            {"d": int(c.dimension), "k": c.key, "l": c.label, "i": str(c.impact)}
            | {"p": str(c.contribution_percent)}
            | ({} if c.actual is None else {"a": str(c.actual)})
            for c in causes
        ]
    )


async def find(session: AsyncSession, org_id: str, key: Key) -> AnomalyRow | None:
    row = (
        await session.execute(
            text(
                f"{_SELECT} WHERE n.org_id = :o AND n.account_id = :a AND n.scope = :sc "
                "AND n.service = :sv AND n.currency = :c AND n.day = :d FOR UPDATE OF n"
            ),
            {"o": org_id, "a": key.account_id, "sc": key.scope, "sv": key.service}
            | {"c": key.currency, "d": key.day},
        )
    ).first()
    return _row(row) if row else None


async def save(
    session: AsyncSession, org_id: str, key: Key, j: Judgement, causes: list[RootCause]
) -> int:
    """Inserts, or revises the figures of, the anomaly for `key`; returns its id."""
    anomaly_id: int = (
        await session.execute(
            text(
                "INSERT INTO anomalies (org_id, account_id, scope, service, currency, day, "
                "expected_low, expected_high, actual, impact, impact_percent, severity, "
                "root_causes) VALUES (:o, :a, :sc, :sv, :c, :d, :lo, :hi, :ac, :im, :ip, :sev, "
                "CAST(:rc AS jsonb)) ON CONFLICT (org_id, account_id, scope, service, currency, "
                "day) DO UPDATE SET expected_low = :lo, expected_high = :hi, actual = :ac, "
                "impact = :im, impact_percent = :ip, severity = :sev, "
                "root_causes = CAST(:rc AS jsonb), update_time = now() RETURNING id"
            ),
            {"o": org_id, "a": key.account_id, "sc": key.scope, "sv": key.service}
            | {"c": key.currency, "d": key.day, "lo": j.expected_low, "hi": j.expected_high}
            | {"ac": j.actual, "im": j.impact, "ip": j.impact_percent, "sev": int(j.severity)}
            | {"rc": _causes_json(causes)},
        )
    ).scalar_one()
    return anomaly_id


async def delete(session: AsyncSession, anomaly_id: int) -> None:
    await session.execute(text("DELETE FROM anomalies WHERE id = :i"), {"i": anomaly_id})


async def delete_account(session: AsyncSession, org_id: str, account_id: int) -> int:
    """Every anomaly of the account, dismissed ones too: the costs they were about are gone."""
    result = await session.execute(
        text("DELETE FROM anomalies WHERE org_id = :o AND account_id = :a RETURNING id"),
        {"o": org_id, "a": account_id},
    )
    return len(result.all())


async def get(
    session: AsyncSession, org_id: str, anomaly_id: int, for_update: bool = False
) -> AnomalyRow | None:
    lock = " FOR UPDATE OF n" if for_update else ""
    row = (
        await session.execute(
            text(f"{_SELECT} WHERE n.org_id = :o AND n.id = :i{lock}"),
            {"o": org_id, "i": anomaly_id},
        )
    ).first()
    return _row(row) if row else None


async def page(
    session: AsyncSession,
    org_id: str,
    since: date,
    filters: tuple[list[int], int, int],
    after: tuple[date, int] | None,
    limit: int,
) -> list[AnomalyRow]:
    """Newest day first; `filters` = (account ids, provider, status), empty/0 = any."""
    accounts, provider, status = filters
    result = await session.execute(
        text(
            f"{_SELECT} WHERE n.org_id = :o AND n.day >= :since "
            "AND (cardinality(CAST(:accounts AS bigint[])) = 0 "
            "OR n.account_id = ANY(CAST(:accounts AS bigint[]))) "
            "AND (:provider = 0 OR a.provider = :provider) AND (:status = 0 OR n.status = :status) "
            "AND (CAST(:after_day AS date) IS NULL OR (n.day, n.id) < (:after_day, :after_id)) "
            "ORDER BY n.day DESC, n.id DESC LIMIT :n"
        ),
        {"o": org_id, "since": since, "accounts": accounts, "provider": provider}
        | {"status": status, "after_day": after[0] if after else None}
        | {"after_id": after[1] if after else 0, "n": limit},
    )
    return [_row(r) for r in result]


async def dismiss(session: AsyncSession, anomaly_id: int, reason: str, who: str) -> None:
    await session.execute(
        text(
            "UPDATE anomalies SET status = :s, dismiss_reason = :r, dismissed_by = :w, "
            "dismiss_time = now(), update_time = now() WHERE id = :i"
        ),
        {"s": DISMISSED, "r": reason, "w": who, "i": anomaly_id},
    )


async def thresholds(session: AsyncSession, org_id: str) -> Thresholds:
    row = (
        await session.execute(
            text(
                "SELECT min_impact_amount, min_impact_percent FROM anomaly_settings "
                "WHERE org_id = :o"
            ),
            {"o": org_id},
        )
    ).first()
    return Thresholds(row[0], row[1]) if row else DEFAULT_THRESHOLDS


async def save_thresholds(session: AsyncSession, org_id: str, value: Thresholds) -> None:
    await session.execute(
        text(
            "INSERT INTO anomaly_settings (org_id, min_impact_amount, min_impact_percent) "
            "VALUES (:o, :a, :p) ON CONFLICT (org_id) DO UPDATE SET min_impact_amount = :a, "
            "min_impact_percent = :p"
        ),
        {"o": org_id, "a": value.min_impact_amount, "p": value.min_impact_percent},
    )


async def for_account(
    session: AsyncSession, org_id: str, account_id: int, span: tuple[date, date]
) -> dict[Key, AnomalyRow]:
    """The account's anomalies in `span`, locked: they are about to be re-judged."""
    result = await session.execute(
        text(
            f"{_SELECT} WHERE n.org_id = :o AND n.account_id = :a AND n.day BETWEEN :s AND :e "
            "FOR UPDATE OF n"
        ),
        {"o": org_id, "a": account_id, "s": span[0], "e": span[1]},
    )
    return {row.key: row for row in map(_row, result)}
