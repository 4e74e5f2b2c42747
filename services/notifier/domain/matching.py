"""Which rules an alert matches, and which channel gets it from which rule."""

from __future__ import annotations

from services.notifier.domain.model import SEVERITIES, Alert, RuleFilter, RuleView


def matches(rule_filter: RuleFilter, alert: Alert) -> bool:
    """Empty filter fields do not narrow; a field that does not apply to the trigger is ignored."""
    f = rule_filter
    if alert.trigger == "BUDGET_THRESHOLD":
        if f.budget_levels and alert.budget_level not in f.budget_levels:
            return False
        if f.budget_ids and alert.budget_id not in f.budget_ids:
            return False
    if alert.trigger in ("ANOMALY_DETECTED", "SYNC_FAILED", "INVOICE_OVERDUE"):
        if f.account_ids and alert.account_id not in f.account_ids:
            return False
    if alert.trigger == "ANOMALY_DETECTED" and f.min_severity:
        if _rank(alert.severity) < _rank(f.min_severity):
            return False
    if alert.trigger in ("ALLOWANCE_REACHED", "INVOICE_OVERDUE"):
        if f.tenant_ids and alert.tenant_id not in f.tenant_ids:
            return False
    return True


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def targets(rules: list[RuleView], alert: Alert) -> list[tuple[RuleView, int]]:
    """(rule, channel) pairs in rule order; a channel appears once per rule that targets it."""
    return [
        (rule, channel_id)
        for rule in sorted(rules, key=lambda r: r.id)
        if rule.trigger == alert.trigger and matches(rule.filter, alert)
        for channel_id in dict.fromkeys(rule.channel_ids)
    ]
