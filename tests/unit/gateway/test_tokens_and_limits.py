"""Token secrets, hashes and the per-token rate limit."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from services.common.errors import InvalidArgument
from services.gateway.domain.tokens import TokenRecord, hash_secret, new_secret, validate_name
from services.gateway.http.auth import RateLimiter


def test_secrets_are_high_entropy_and_stored_as_sha256() -> None:
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100 and all(s.startswith("cg_") and len(s) > 40 for s in secrets)
    secret = next(iter(secrets))
    assert hash_secret(secret) == hashlib.sha256(secret.encode()).digest()


@pytest.mark.parametrize("name", ["", "  ", "a\x00b", "x" * 101])
def test_bad_token_names_are_rejected_naming_the_field(name: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        validate_name(name)
    assert error.value.field == "name"


def test_expired_and_revoked_tokens_are_inactive() -> None:
    now = datetime.now(UTC)
    base = TokenRecord(1, "o", "n", "viewer", "cg_", now, None, None, None)
    assert base.active_at(now)
    assert not TokenRecord(1, "o", "n", "viewer", "cg_", now, now, None, None).active_at(now)
    assert not TokenRecord(1, "o", "n", "viewer", "cg_", now, None, now, None).active_at(now)
    later = now + timedelta(hours=1)
    assert TokenRecord(1, "o", "n", "viewer", "cg_", now, later, None, None).active_at(now)


def test_bucket_allows_the_burst_then_asks_to_wait_then_refills() -> None:
    limiter = RateLimiter(per_second=2.0, burst=3)
    assert [limiter.retry_after(1, now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.retry_after(1, now=0.0) == pytest.approx(0.5)
    assert limiter.retry_after(2, now=0.0) == 0.0  # another token has its own bucket
    assert limiter.retry_after(1, now=0.5) == 0.0


def test_zero_rate_disables_limiting() -> None:
    limiter = RateLimiter(per_second=0, burst=0)
    assert all(limiter.retry_after(1) == 0 for _ in range(1000))
