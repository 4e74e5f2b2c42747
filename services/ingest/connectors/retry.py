"""Backoff for provider calls: exponential with full jitter, shared by the connectors."""

from __future__ import annotations

import random
from dataclasses import dataclass

from services.ingest.connectors.base import ConnectorConfigError


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 20.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_delay < 0 or self.max_delay < 0:
            raise ConnectorConfigError("retry policy needs max_attempts >= 1 and delays >= 0")

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (0-based)."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))
