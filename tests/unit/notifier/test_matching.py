"""Which rules an alert matches."""

from services.notifier.domain.matching import matches, targets
from services.notifier.domain.model import Alert, RuleFilter, RuleView


def _alert(**fields) -> Alert:
    base = dict(
        event_id="e1",
        org_id="o",
        trigger="BUDGET_THRESHOLD",
        subject_key="budget:7",
        title="t",
        summary="s",
        urgency="critical",
        occurred_at="",
        budget_id=7,
        budget_level="CRITICAL",
    )
    return Alert(**{**base, **fields})


def test_empty_filter_matches_everything_of_the_trigger():
    assert matches(RuleFilter(), _alert())


def test_budget_level_and_id_narrow():
    assert not matches(RuleFilter(budget_levels=("WARNING",)), _alert())
    assert not matches(RuleFilter(budget_ids=(8,)), _alert())
    assert matches(RuleFilter(budget_levels=("CRITICAL",), budget_ids=(7, 8)), _alert())


def test_min_severity_matches_that_severity_and_higher():
    high = _alert(trigger="ANOMALY_DETECTED", severity="HIGH", account_id=3)
    low = _alert(trigger="ANOMALY_DETECTED", severity="LOW", account_id=3)
    rule = RuleFilter(min_severity="MEDIUM")
    assert matches(rule, high) and not matches(rule, low)


def test_account_and_tenant_filters_apply_to_their_triggers_only():
    sync = _alert(trigger="SYNC_FAILED", account_id=3)
    overdue = _alert(trigger="INVOICE_OVERDUE", account_id=0, tenant_id="acme")
    assert not matches(RuleFilter(account_ids=(4,)), sync)
    assert matches(RuleFilter(tenant_ids=("acme",)), overdue)
    assert not matches(RuleFilter(tenant_ids=("other",)), overdue)
    # A budget rule's account filter is meaningless for budgets and does not block them.
    assert matches(RuleFilter(account_ids=(4,)), _alert())


def test_targets_lists_each_channel_once_per_rule_for_the_alerts_trigger():
    rules = [
        RuleView(2, "BUDGET_THRESHOLD", RuleFilter(), (10, 10, 11), 0),
        RuleView(1, "SYNC_FAILED", RuleFilter(), (12,), 0),
    ]
    assert [(r.id, c) for r, c in targets(rules, _alert())] == [(2, 10), (2, 11)]
