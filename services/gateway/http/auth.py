"""Who is calling: bearer API tokens (looked up by hash, briefly cached), roles and rate limits."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.common.caller import Caller, set_caller
from services.common.db import Database
from services.common.errors import Unauthenticated
from services.common.logging import org_id_var
from services.gateway.domain.tokens import TokenRecord, hash_secret
from services.gateway.handlers import tokens as handlers
from services.gateway.http.errors import ApiError
from services.gateway.settings import GatewaySettings

if TYPE_CHECKING:
    from services.gateway.http.failed_auth import FailedAuthGuard

bearer = HTTPBearer(auto_error=False, description="An API token: `Authorization: Bearer cg_...`")
_UNAUTHENTICATED = {"WWW-Authenticate": "Bearer"}
_MAX_BUCKETS = 100_000


@dataclass
class TokenBucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    """In memory, per key (an API token, a client address): `per_second` sustained with bursts
    up to `burst`."""

    per_second: float
    burst: int
    _buckets: dict[Hashable, TokenBucket] = field(default_factory=dict)

    def retry_after(self, key: Hashable, now: float | None = None) -> float:
        """0 when the request may go ahead (and is counted), else seconds to wait."""
        if self.per_second <= 0:
            return 0.0
        bucket = self._refilled(key, time.monotonic() if now is None else now)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.per_second

    def wait(self, key: Hashable, now: float | None = None) -> float:
        """Seconds until `key` may go ahead, without counting anything."""
        bucket = self._buckets.get(key)
        if self.per_second <= 0 or bucket is None:
            return 0.0
        bucket = self._refilled(key, time.monotonic() if now is None else now)
        return 0.0 if bucket.tokens >= 1.0 else (1.0 - bucket.tokens) / self.per_second

    def _refilled(self, key: Hashable, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= _MAX_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[key] = TokenBucket(float(self.burst), now)
        bucket.tokens = min(
            float(self.burst), bucket.tokens + (now - bucket.updated) * self.per_second
        )
        bucket.updated = now
        return bucket

    def _forget_full(self, now: float) -> None:
        """A bucket that has refilled is the same as none; many keys must not grow memory."""
        for key, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.updated) * self.per_second >= self.burst:
                del self._buckets[key]


class Authenticator:
    def __init__(self, db: Database, settings: GatewaySettings, failures: FailedAuthGuard) -> None:
        self._db = db
        self._ttl = settings.gateway_auth_cache_seconds
        self._cache: dict[bytes, tuple[TokenRecord, float]] = {}
        self.limiter = RateLimiter(
            settings.gateway_rate_limit_per_second, settings.gateway_rate_limit_burst
        )
        self.failures = failures

    async def authenticate(self, secret: str, address: str) -> TokenRecord:
        key = hash_secret(secret)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached is not None and cached[1] > now and cached[0].active_at(datetime.now(UTC)):
            return cached[0]
        if wait := self.failures.wait(address):
            self.failures.throttled(address)
            raise _too_many_failures(wait)
        if self.failures.known_bad(key):
            self.failures.failed(address, key)
            # The lookup's own words: a remembered token looks like any other failure.
            raise ApiError(401, "UNAUTHENTICATED", handlers.BAD_TOKEN, headers=_UNAUTHENTICATED)
        try:
            record = await handlers.authenticate(self._db, secret)
        except Unauthenticated as exc:
            self._cache.pop(key, None)
            self.failures.failed(address, key)
            raise ApiError(401, "UNAUTHENTICATED", exc.message, headers=_UNAUTHENTICATED) from exc
        if self._ttl > 0:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (record, now + self._ttl)
        return record

    def forget(self, token_id: int) -> None:
        """Revocation through this gateway takes effect on the very next request."""
        for key in [k for k, (r, _) in self._cache.items() if r.id == token_id]:
            self._cache.pop(key, None)


def _too_many_failures(wait: float) -> ApiError:
    return ApiError(
        429,
        "TOO_MANY_FAILED_AUTHENTICATIONS",
        "too many failed authentications from this address; wait before trying again",
        {"retry_after_seconds": math.ceil(wait)},
        headers={"Retry-After": str(max(1, math.ceil(wait)))},
    )


def require(minimum: str) -> Callable[..., Awaitable[Caller]]:
    """A dependency: authenticates, rate-limits, checks the role, and sets the caller that the
    outgoing gRPC channels sign."""

    async def caller(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer),  # noqa: B008
    ) -> Caller:
        if credentials is None or not credentials.credentials:
            raise ApiError(
                401,
                "UNAUTHENTICATED",
                "an API token is required: send 'Authorization: Bearer <token>'",
                headers=_UNAUTHENTICATED,
            )
        auth: Authenticator = request.app.state.auth
        address = request.client.host if request.client else "unknown"
        record = await auth.authenticate(credentials.credentials, address)
        wait = auth.limiter.retry_after(record.id)
        if wait > 0:
            raise ApiError(
                429,
                "RATE_LIMITED",
                "too many requests with this API token; slow down",
                {"retry_after_seconds": math.ceil(wait)},
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        who = Caller(record.org_id, record.role, f"token:{record.id}")
        if not who.has_role(minimum):
            raise ApiError(
                403,
                "ROLE_TOO_LOW",
                f"role '{record.role}' may not do this; '{minimum}' or higher is required",
                {"required_role": minimum, "role": record.role},
            )
        set_caller(who)
        org_id_var.set(who.org_id)
        return who

    caller.__name__ = f"require_{minimum}"
    return caller
