"""The notifier's vocabulary: channel and trigger types, delivery states, alerts, rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHANNEL_TYPES = ("SLACK", "EMAIL", "SMS", "WEBHOOK")
TRIGGER_TYPES = (
    "BUDGET_THRESHOLD",
    "ANOMALY_DETECTED",
    "SYNC_FAILED",
    "INVOICE_OVERDUE",
    "ALLOWANCE_REACHED",
)
BUDGET_LEVELS = ("WARNING", "CRITICAL")
# Ordered: a rule's minimum severity matches this one and every later one.
SEVERITIES = ("LOW", "MEDIUM", "HIGH")

# Delivery states: PENDING -> IN_FLIGHT -> SENT | FAILED | DEAD (or back to PENDING to retry);
# SUPPRESSED is decided at match time by a cooldown and never sent.
PENDING = "PENDING"
IN_FLIGHT = "IN_FLIGHT"
SENT = "SENT"
FAILED = "FAILED"
DEAD = "DEAD"
SUPPRESSED = "SUPPRESSED"


@dataclass(frozen=True)
class Alert:
    """One event, normalised for matching and rendering."""

    event_id: str
    org_id: str
    trigger: str
    # What a cooldown is counted per, e.g. "budget:12".
    subject_key: str
    title: str
    summary: str
    # "warning" or "critical", for colour and wording.
    urgency: str
    occurred_at: str
    # Key figures in display order, e.g. ("Spent", "1,234.50 USD").
    facts: tuple[tuple[str, str], ...] = ()
    budget_id: int = 0
    budget_level: str = ""
    account_id: int = 0
    severity: str = ""
    tenant_id: str = ""
    # Machine-readable fields for webhook receivers.
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "org_id": self.org_id,
            "trigger": self.trigger,
            "subject_key": self.subject_key,
            "title": self.title,
            "summary": self.summary,
            "urgency": self.urgency,
            "occurred_at": self.occurred_at,
            "facts": [list(f) for f in self.facts],
            "budget_id": self.budget_id,
            "budget_level": self.budget_level,
            "account_id": self.account_id,
            "severity": self.severity,
            "tenant_id": self.tenant_id,
            "data": self.data,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Alert:
        return cls(**{**value, "facts": tuple((str(a), str(b)) for a, b in value["facts"])})


@dataclass(frozen=True)
class RuleFilter:
    budget_levels: tuple[str, ...] = ()
    budget_ids: tuple[int, ...] = ()
    account_ids: tuple[int, ...] = ()
    min_severity: str = ""
    tenant_ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "budget_levels": list(self.budget_levels),
            "budget_ids": list(self.budget_ids),
            "account_ids": list(self.account_ids),
            "min_severity": self.min_severity,
            "tenant_ids": list(self.tenant_ids),
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> RuleFilter:
        return cls(
            budget_levels=tuple(value.get("budget_levels", ())),
            budget_ids=tuple(int(v) for v in value.get("budget_ids", ())),
            account_ids=tuple(int(v) for v in value.get("account_ids", ())),
            min_severity=value.get("min_severity", ""),
            tenant_ids=tuple(value.get("tenant_ids", ())),
        )


@dataclass(frozen=True)
class RuleView:
    """What matching needs of a rule."""

    id: int
    trigger: str
    filter: RuleFilter
    channel_ids: tuple[int, ...]
    cooldown_seconds: int
