"""Audit events: what happened, to which organization, by whom, from where. Never a secret."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

AUTH_FAILED = "auth.failed"


@dataclass(frozen=True)
class AuditEvent:
    occurred_at: datetime
    action: str
    outcome: str
    org_id: str | None = None
    actor: str | None = None
    client_address: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
