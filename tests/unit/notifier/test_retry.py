"""Back-off, Retry-After and when a delivery is given up."""

import random
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from services.notifier.domain.model import DEAD, FAILED, PENDING, SENT
from services.notifier.domain.retry import (
    AttemptResult,
    RetryPolicy,
    backoff,
    decide,
    http_retryable,
    parse_retry_after,
)

POLICY = RetryPolicy(max_attempts=5, max_age_seconds=3600, base_seconds=2, max_seconds=60)
RETRYABLE = AttemptResult(ok=False, response_code=503, retryable=True)


@given(st.integers(min_value=1, max_value=40), st.integers())
def test_backoff_grows_exponentially_with_jitter_and_is_capped(attempt, seed):
    delay = backoff(attempt, POLICY, random.Random(seed))
    ceiling = min(60, 2 * 2 ** (attempt - 1))
    assert ceiling / 2 <= delay <= ceiling


def test_only_429_and_5xx_are_retryable():
    assert http_retryable(429) and http_retryable(500) and http_retryable(503)
    assert not any(http_retryable(c) for c in (400, 401, 403, 404, 410, 422))


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2026, 3, 14, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Sat, 14 Mar 2026 10:00:30 GMT", now) == 30
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_retry_after_longer_than_the_backoff_is_honoured():
    result = AttemptResult(ok=False, response_code=429, retryable=True, retry_after=45)
    assert decide(result, 1, 0, POLICY).delay == 45


def test_outcomes_map_to_states():
    assert decide(AttemptResult(ok=True), 1, 0, POLICY).status == SENT
    assert decide(AttemptResult(ok=False, response_code=400), 1, 0, POLICY).status == FAILED
    assert decide(RETRYABLE, 4, 0, POLICY).status == PENDING
    assert decide(RETRYABLE, 5, 0, POLICY).status == DEAD


def test_a_retry_that_would_land_past_the_maximum_age_is_dead_lettered():
    assert decide(RETRYABLE, 1, 3599, POLICY).status == DEAD
