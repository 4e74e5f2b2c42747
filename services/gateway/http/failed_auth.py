"""What a failed authentication costs the caller, not the gateway.

Per client address, failures drain a token bucket; an address whose bucket is empty gets 429
before any lookup. A token that failed is remembered (its SHA-256, never the token) for a short
while and refused from memory. Failures are written to the audit log as one row per address
per window, so an attack cannot turn into as many database writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from services.common.db import Database
from services.common.logging import get_logger
from services.gateway.domain.audit import AUTH_FAILED, AuditEvent
from services.gateway.http.auth import RateLimiter
from services.gateway.repository.audit import insert_events
from services.gateway.settings import GatewaySettings

log = get_logger(__name__)
_MAX_REMEMBERED = 100_000
# Beyond this many addresses in one window, the rest are written as one row without an address.
MAX_ROWS_PER_WINDOW = 1000


@dataclass
class Tally:
    first: datetime
    last: datetime
    failures: int = 0
    throttled: int = 0

    def add(self, other: Tally) -> None:
        self.first, self.last = min(self.first, other.first), max(self.last, other.last)
        self.failures += other.failures
        self.throttled += other.throttled


class FailedAuthGuard:
    def __init__(self, db: Database, settings: GatewaySettings) -> None:
        self._db = db
        self._window = settings.gateway_audit_window_seconds
        self._negative_ttl = settings.gateway_auth_negative_cache_seconds
        self.limiter = RateLimiter(
            settings.gateway_auth_failures_per_minute / 60, settings.gateway_auth_failure_burst
        )
        self._bad: dict[bytes, float] = {}
        self._tallies: dict[str, Tally] = {}

    def wait(self, address: str) -> float:
        return self.limiter.wait(address)

    def known_bad(self, token_hash: bytes) -> bool:
        expires = self._bad.get(token_hash)
        return expires is not None and expires > time.monotonic()

    def failed(self, address: str, token_hash: bytes) -> None:
        self.limiter.retry_after(address)
        if self._negative_ttl > 0:
            if len(self._bad) >= _MAX_REMEMBERED:
                self._bad.clear()
            self._bad[token_hash] = time.monotonic() + self._negative_ttl
        self._tally(address).failures += 1

    def throttled(self, address: str) -> None:
        self._tally(address).throttled += 1

    def _tally(self, address: str) -> Tally:
        now = datetime.now(UTC)
        tally = self._tallies.setdefault(address, Tally(now, now))
        tally.last = now
        return tally

    async def flush(self) -> None:
        tallies, self._tallies = self._tallies, {}
        if not tallies:
            return
        events = audit_events(tallies)
        try:
            async with self._db.transaction() as session:
                await insert_events(session, events)
        except Exception:
            log.exception("audit.write_failed", rows=len(events))
            for address, tally in tallies.items():
                self._tally(address).add(tally)
            return
        log.warning(
            "auth.failures",
            addresses=len(tallies),
            failures=sum(t.failures for t in tallies.values()),
            throttled=sum(t.throttled for t in tallies.values()),
        )

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._window)
            await self.flush()


def audit_events(tallies: dict[str, Tally]) -> list[AuditEvent]:
    ordered = sorted(tallies.items(), key=lambda item: -(item[1].failures + item[1].throttled))
    events = [_event(address, tally) for address, tally in ordered[:MAX_ROWS_PER_WINDOW]]
    if rest := ordered[MAX_ROWS_PER_WINDOW:]:
        merged = rest[0][1]
        for _, tally in rest[1:]:
            merged.add(tally)
        events.append(_event(None, merged, addresses=len(rest)))
    return events


def _event(address: str | None, tally: Tally, addresses: int = 1) -> AuditEvent:
    return AuditEvent(
        occurred_at=tally.first,
        action=AUTH_FAILED,
        outcome="throttled" if tally.throttled else "denied",
        client_address=address,
        detail={
            "failures": tally.failures,
            "throttled": tally.throttled,
            "last_time": tally.last.isoformat(),
            "addresses": addresses,
        },
    )
