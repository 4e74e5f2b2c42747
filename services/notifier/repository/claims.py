"""SQL of the delivery worker: claim due deliveries, load what to send, record outcomes.

The worker acts for every organization; each row carries its org and the channel is joined
on the same org.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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
    WITH outcome AS (
        SELECT * FROM unnest(CAST(:ids AS bigint[]), CAST(:attempts AS int[]),
                             CAST(:outcomes AS text[]), CAST(:statuses AS text[]),
                             CAST(:codes AS int[]), CAST(:errors AS text[]),
                             CAST(:reached AS jsonb[]), CAST(:delays AS float8[]))
            AS o (id, attempt, outcome, status, code, error, reached, delay)
    ), done AS (
        UPDATE deliveries d SET status = o.status, last_response_code = o.code,
            last_error = o.error,
            reached = ARRAY(SELECT jsonb_array_elements_text(o.reached)),
            next_attempt_at = CASE WHEN o.status = :pending
                                   THEN now() + make_interval(secs => o.delay) END,
            delivered_at = CASE WHEN o.status = 'SENT' THEN now() END
        FROM outcome o
        WHERE d.id = o.id AND d.status = :in_flight AND d.attempts = o.attempt
        RETURNING d.id, d.org_id, d.event_id, d.channel_id, d.rule_id, d.channel_type,
                  d.trigger_type, d.attempts
    ), logged AS (
        INSERT INTO delivery_attempts (delivery_id, attempt, outcome, response_code, error)
        SELECT id, attempt, outcome, code, error FROM outcome
        ON CONFLICT (delivery_id, attempt) DO NOTHING
    )
    SELECT * FROM done
    """
)


@dataclass(frozen=True)
class Finished:
    """One attempt's outcome: its log line's values and the delivery's next state."""

    delivery_id: int
    attempt: int
    outcome: str
    status: str
    code: int
    error: str
    reached: list[str]
    delay: float


async def finish(
    session: AsyncSession, outcomes: list[Finished]
) -> dict[tuple[int, int], Row[Any]]:
    """Logs the attempts and applies their outcomes, in one statement; returns the rows that
    were updated by (id, attempt). A row that moved on (its lease ran out and another worker
    claimed it) is left alone, so a stale worker never overwrites a newer attempt."""
    result = await session.execute(
        _FINISH,
        {
            "ids": [f.delivery_id for f in outcomes],
            "attempts": [f.attempt for f in outcomes],
            "outcomes": [f.outcome for f in outcomes],
            "statuses": [f.status for f in outcomes],
            "codes": [f.code for f in outcomes],
            "errors": [f.error[:2000] for f in outcomes],
            "reached": [json.dumps(f.reached) for f in outcomes],
            "delays": [f.delay for f in outcomes],
            "pending": PENDING,
            "in_flight": IN_FLIGHT,
        },
    )
    return {(int(row.id), int(row.attempts)): row for row in result}
