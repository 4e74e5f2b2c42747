"""SQL for alerts, deliveries and cooldowns written when an event matches, and for listing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import decimal_json
from services.notifier.domain.model import Alert


@dataclass(frozen=True)
class Planned:
    rule_id: int
    channel_id: int
    channel_type: str
    key: str
    status: str


COLUMNS = (
    "id, org_id, event_id, channel_id, rule_id, channel_type, trigger_type, idempotency_key, "
    "status, attempts, last_error, last_response_code, reached, created_at, last_attempt_at, "
    "next_attempt_at, delivered_at"
)


async def take_cooldown(
    session: AsyncSession, rule_id: int, channel_id: int, subject_key: str, seconds: int
) -> bool:
    """True if the (rule, channel, subject) was not cooling down; it is from now on.

    One atomic upsert, so two replicas matching events for the same subject at once cannot
    both pass.
    """
    result = await session.execute(
        text(
            "INSERT INTO cooldowns (rule_id, channel_id, subject_key, until) "
            "VALUES (:r, :c, :s, now() + make_interval(secs => :secs)) "
            "ON CONFLICT (rule_id, channel_id, subject_key) DO UPDATE SET until = EXCLUDED.until "
            "WHERE cooldowns.until <= now() RETURNING 1"
        ),
        {"r": rule_id, "c": channel_id, "s": subject_key, "secs": seconds},
    )
    return result.first() is not None


_INSERT_PLANNED = text(
    """
    WITH alert AS (
        INSERT INTO alerts (event_id, org_id, trigger_type, payload)
        VALUES (:e, :org, :t, CAST(:payload AS jsonb)) ON CONFLICT (event_id) DO NOTHING
    )
    INSERT INTO deliveries (org_id, event_id, channel_id, rule_id, channel_type, trigger_type,
                            idempotency_key, status, next_attempt_at)
    SELECT :org, :e, p.channel_id, p.rule_id, p.channel_type, :t, p.key, p.status,
           CASE WHEN p.status = 'PENDING' THEN now() END
    FROM unnest(CAST(:channel_ids AS bigint[]), CAST(:rule_ids AS bigint[]),
                CAST(:types AS text[]), CAST(:keys AS text[]), CAST(:statuses AS text[]))
         AS p (channel_id, rule_id, channel_type, key, status)
    ON CONFLICT (event_id, channel_id) DO NOTHING
    """
)


async def insert_planned(session: AsyncSession, alert: Alert, planned: list[Planned]) -> None:
    """The alert and its deliveries in one statement (the alert first: deliveries refer to it)."""
    await session.execute(
        _INSERT_PLANNED,
        {
            "e": alert.event_id,
            "org": alert.org_id,
            "t": alert.trigger,
            "payload": decimal_json.dumps(alert.to_json()),
            "channel_ids": [p.channel_id for p in planned],
            "rule_ids": [p.rule_id for p in planned],
            "types": [p.channel_type for p in planned],
            "keys": [p.key for p in planned],
            "statuses": [p.status for p in planned],
        },
    )


async def page(
    session: AsyncSession, org_id: str, filters: dict[str, Any], before_id: int, limit: int
) -> list[Row[Any]]:
    """Newest first; zero/empty filters do not narrow."""
    result = await session.execute(
        text(
            f"SELECT {COLUMNS} FROM deliveries WHERE org_id = :org AND id < :before "
            "AND (CAST(:channel AS bigint) = 0 OR channel_id = :channel) "
            "AND (CAST(:rule AS bigint) = 0 OR rule_id = :rule) "
            "AND (:status = '' OR status = ANY(:statuses)) AND (:event = '' OR event_id = :event) "
            "ORDER BY id DESC LIMIT :n"
        ),
        {**filters, "org": org_id, "before": before_id, "n": limit},
    )
    return list(result.all())
