"""Who is calling: bearer API tokens (looked up by hash, briefly cached), roles and rate limits."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.common.caller import Caller, set_caller
from services.common.db import Database
from services.common.errors import Unauthenticated
from services.common.logging import org_id_var
from services.gateway import handlers
from services.gateway.domain.tokens import TokenRecord, hash_secret
from services.gateway.http.errors import ApiError
from services.gateway.settings import GatewaySettings

bearer = HTTPBearer(auto_error=False, description="An API token: `Authorization: Bearer cg_...`")
_UNAUTHENTICATED = {"WWW-Authenticate": "Bearer"}


@dataclass
class TokenBucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    """In memory, per token: `per_second` sustained with bursts up to `burst`."""

    per_second: float
    burst: int
    _buckets: dict[int, TokenBucket] = field(default_factory=dict)

    def retry_after(self, token_id: int, now: float | None = None) -> float:
        """0 when the request may go ahead (and is counted), else seconds to wait."""
        if self.per_second <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(token_id)
        if bucket is None:
            bucket = self._buckets[token_id] = TokenBucket(float(self.burst), now)
        bucket.tokens = min(
            float(self.burst), bucket.tokens + (now - bucket.updated) * self.per_second
        )
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.per_second


class Authenticator:
    def __init__(self, db: Database, settings: GatewaySettings) -> None:
        self._db = db
        self._ttl = settings.gateway_auth_cache_seconds
        self._cache: dict[bytes, tuple[TokenRecord, float]] = {}
        self.limiter = RateLimiter(
            settings.gateway_rate_limit_per_second, settings.gateway_rate_limit_burst
        )

    async def authenticate(self, secret: str) -> TokenRecord:
        key = hash_secret(secret)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached is not None and cached[1] > now and cached[0].active_at(datetime.now(UTC)):
            return cached[0]
        try:
            record = await handlers.authenticate(self._db, secret)
        except Unauthenticated as exc:
            self._cache.pop(key, None)
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
        record = await auth.authenticate(credentials.credentials)
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
