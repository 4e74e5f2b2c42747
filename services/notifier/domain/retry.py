"""What an attempt's outcome means for the delivery: done, retry when, or give up."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from services.notifier.domain.model import DEAD, FAILED, PENDING, SENT


@dataclass(frozen=True)
class AttemptResult:
    ok: bool
    # HTTP status or SMTP reply code; 0 when no answer came.
    response_code: int = 0
    error: str = ""
    retryable: bool = False
    # Seconds the receiver asked us to wait (Retry-After), if it did.
    retry_after: float | None = None
    # SMS recipients this attempt reached, so a retry does not text them again.
    reached: tuple[str, ...] = ()


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    max_age_seconds: float
    base_seconds: float
    max_seconds: float


@dataclass(frozen=True)
class Decision:
    status: str
    # Seconds until the next attempt, for PENDING.
    delay: float = 0.0


def http_retryable(status: int) -> bool:
    return status == 429 or status >= 500


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff(attempt: int, policy: RetryPolicy, rng: random.Random | None = None) -> float:
    """Exponential with full jitter in its upper half: base*2^(n-1), capped, times [0.5, 1]."""
    ceiling = min(policy.max_seconds, policy.base_seconds * 2.0 ** max(0, attempt - 1))
    return ceiling * (0.5 + 0.5 * (rng or random).random())


def decide(
    result: AttemptResult,
    attempts: int,
    age_seconds: float,
    policy: RetryPolicy,
    rng: random.Random | None = None,
) -> Decision:
    if result.ok:
        return Decision(SENT)
    if not result.retryable:
        return Decision(FAILED)
    delay = backoff(attempts, policy, rng)
    if result.retry_after is not None:
        delay = max(delay, result.retry_after)
    if attempts >= policy.max_attempts or age_seconds + delay > policy.max_age_seconds:
        return Decision(DEAD)
    return Decision(PENDING, delay)
