"""SQL of the delivery worker: claim due deliveries, load what to send, record outcomes.

The worker acts for every organization; each row carries its org and the channel is joined
on the same org.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.domain.model import IN_FLIGHT, PENDING

_CANDIDATES = text(
    """
    WITH due AS (
        SELECT id, channel_id FROM deliveries
        WHERE status IN ('PENDING', 'IN_FLIGHT') AND next_attempt_at <= now()
          AND channel_id <> ALL(:busy)
        ORDER BY next_attempt_at, id LIMIT :n FOR UPDATE SKIP LOCKED
    )
    SELECT id, channel_id, NULL::float8 AS due_in FROM due
    UNION ALL
    SELECT NULL, NULL, extract(epoch FROM min(next_attempt_at) - now())::float8 FROM deliveries
    WHERE status IN ('PENDING', 'IN_FLIGHT') AND next_attempt_at > now()
      AND channel_id <> ALL(:busy)
    """
)


async def candidates(
    session: AsyncSession, limit: int, busy_channels: list[int]
) -> tuple[list[Row[Any]], float | None]:
    """Due PENDING rows, and IN_FLIGHT rows whose lease ran out (cut off by a crash), locked
    for this transaction; rows another worker holds are skipped, not waited for. Also the
    seconds until the next one falls due (None: none is scheduled), so an idle worker can
    sleep until then."""
    result = await session.execute(_CANDIDATES, {"n": limit, "busy": busy_channels or [0]})
    rows = list(result.all())
    return [r for r in rows if r.id is not None], next(
        (r.due_in for r in rows if r.id is None), None
    )


_CLAIM = text(
    """
    WITH chosen AS (SELECT id, status AS was FROM deliveries WHERE id = ANY(:ids))
    UPDATE deliveries d
    SET status = 'IN_FLIGHT', attempts = d.attempts + 1, last_attempt_at = now(),
        next_attempt_at = now() + make_interval(secs => :lease)
    FROM chosen, channels ch, alerts a
    WHERE d.id = chosen.id AND ch.id = d.channel_id AND a.event_id = d.event_id
    RETURNING d.id, d.org_id, d.event_id, d.channel_id, d.idempotency_key, d.attempts,
              d.reached, chosen.was,
              extract(epoch FROM now() - d.created_at)::float8 AS age_seconds,
              ch.org_id AS channel_org_id, ch.type AS channel_type, ch.config,
              ch.secrets_sealed, ch.deleted_at AS channel_deleted_at,
              a.payload::text AS alert
    """
)


async def claim(session: AsyncSession, ids: list[int], lease_seconds: float) -> list[Row[Any]]:
    """Marks the chosen rows IN_FLIGHT until the lease ends, returning each with its channel
    and alert, so one statement has all the worker needs. The alert is JSON text, for
    `decimal_json.loads`: the default decoder would turn its amounts into floats.

    The claim commits before sending, so a crash mid-send leaves the row IN_FLIGHT until its
    lease ends; it is then claimed again and resent with the same idempotency key.
    """
    result = await session.execute(_CLAIM, {"ids": ids, "lease": lease_seconds})
    return list(result.all())


async def log_attempt(
    session: AsyncSession, delivery_id: int, attempt: int, outcome: str, code: int, error: str
) -> None:
    await session.execute(
        text(
            "INSERT INTO delivery_attempts (delivery_id, attempt, outcome, response_code, error) "
            "VALUES (:d, :a, :o, :c, :e) ON CONFLICT (delivery_id, attempt) DO NOTHING"
        ),
        {"d": delivery_id, "a": attempt, "o": outcome, "c": code, "e": error[:2000]},
    )


_FINISH = text(
    """
    WITH done AS (
        UPDATE deliveries SET status = :s, last_response_code = :c, last_error = :e,
            reached = :reached,
            next_attempt_at = CASE WHEN :s = :pending
                                   THEN now() + make_interval(secs => :delay) END,
            delivered_at = CASE WHEN :s = 'SENT' THEN now() END
        WHERE id = :id AND status = :in_flight AND attempts = :a
        RETURNING id, org_id, event_id, channel_id, rule_id, channel_type, trigger_type, attempts
    ), logged AS (
        INSERT INTO delivery_attempts (delivery_id, attempt, outcome, response_code, error)
        VALUES (:id, :a, :o, :c, :e) ON CONFLICT (delivery_id, attempt) DO NOTHING
    )
    SELECT * FROM done
    """
)


async def finish(
    session: AsyncSession,
    delivery_id: int,
    attempt: int,
    outcome: str,
    status: str,
    code: int,
    error: str,
    reached: list[str],
    delay: float,
) -> Row[Any] | None:
    """Logs the attempt and applies its outcome, in one statement; None if the row moved on
    (its lease ran out and another worker claimed it), so a stale worker never overwrites a
    newer attempt."""
    result = await session.execute(
        _FINISH,
        {
            "id": delivery_id,
            "a": attempt,
            "o": outcome,
            "s": status,
            "c": code,
            "e": error[:2000],
            "reached": reached,
            "delay": delay,
            "pending": PENDING,
            "in_flight": IN_FLIGHT,
        },
    )
    return result.first()
