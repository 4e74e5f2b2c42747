"""Events from other services turned into alerts: what matched, what it says, its key figures."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from costgrid.budgets.v1 import events_pb2 as budget_events
from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.common.v1 import money_pb2, provider_pb2
from costgrid.ingest.v1 import events_pb2 as ingest_events
from costgrid.invoicing.v1 import events_pb2 as invoice_events
from costgrid.metering.v1 import events_pb2 as metering_events
from google.protobuf.message import Message

from services.common import messaging, protojson
from services.common.inbox import Event
from services.common.money import Money
from services.notifier.domain.model import Alert


def money_text(money: money_pb2.Money) -> str:
    """For people: rounded to the currency's minor unit, with thousands separators."""
    try:
        rounded = Money(Decimal(money.amount), money.currency_code).rounded()
    except InvalidOperation:
        return f"{money.amount} {money.currency_code}".strip()
    return f"{rounded.amount:,} {rounded.currency}"


def _provider(value: provider_pb2.Provider.ValueType) -> str:
    return provider_pb2.Provider.Name(value).removeprefix("PROVIDER_")


def _data(message: Message) -> dict[str, Any]:
    """The event as the REST API would show it, for webhook receivers."""
    return protojson.to_json(message)


def _time(message: Any) -> str:
    return protojson.timestamp(message.occurred_at) if message.HasField("occurred_at") else ""


def budget_alert(event: Event) -> Alert:
    m = event.parse(budget_events.BudgetThresholdCrossed)
    level = budgets_pb.BudgetAlertLevel.Name(m.level).removeprefix("BUDGET_ALERT_LEVEL_")
    basis = budgets_pb.BudgetAlertBasis.Name(m.basis).removeprefix("BUDGET_ALERT_BASIS_").lower()
    verb = "is forecast to reach" if basis == "forecast" else "has reached"
    return Alert(
        event_id=event.id,
        org_id=event.org_id,
        trigger="BUDGET_THRESHOLD",
        subject_key=f"budget:{m.budget_id}",
        title=f"Budget {m.budget_name} {level.lower()}: {m.percent}% spent",
        summary=f"Spend {verb} {m.percent}% of the budget {m.budget_name} "
        f"({money_text(m.spent)} of {money_text(m.amount)}).",
        urgency="critical" if level == "CRITICAL" else "warning",
        occurred_at=_time(m),
        facts=(
            ("Spent", money_text(m.spent)),
            ("Budget", money_text(m.amount)),
            ("Percent", f"{m.percent}%"),
            ("Level", level),
            ("Basis", basis),
            ("Period", f"{m.period.start_date} to {m.period.end_date}"),
        ),
        budget_id=m.budget_id,
        budget_level=level,
        data=_data(m),
    )


def anomaly_alert(event: Event) -> Alert:
    m = event.parse(budget_events.AnomalyDetected)
    a = m.anomaly
    severity = budgets_pb.AnomalySeverity.Name(a.severity).removeprefix("ANOMALY_SEVERITY_")
    where = f"{a.account_name} / {a.service}" if a.service else a.account_name
    return Alert(
        event_id=event.id,
        org_id=event.org_id,
        trigger="ANOMALY_DETECTED",
        subject_key=f"anomaly:{a.id}",
        title=f"Cost anomaly ({severity.lower()}) in {where} on {a.day}",
        summary=f"Spend of {money_text(a.actual)} on {a.day} is outside the expected "
        f"{money_text(a.expected_low)} to {money_text(a.expected_high)}.",
        urgency="critical" if severity == "HIGH" else "warning",
        occurred_at=_time(m),
        facts=(
            ("Actual", money_text(a.actual)),
            ("Expected", f"{money_text(a.expected_low)} - {money_text(a.expected_high)}"),
            ("Impact", f"{money_text(a.impact)} ({a.impact_percent}%)"),
            ("Severity", severity),
            ("Account", f"{a.account_name} ({_provider(a.provider)})"),
            *(
                (("Top cause", a.root_causes[0].label or a.root_causes[0].key),)
                if a.root_causes
                else ()
            ),
        ),
        account_id=a.account_id,
        severity=severity,
        data=_data(m),
    )


def sync_failed_alert(event: Event) -> Alert:
    m = event.parse(ingest_events.SyncFailed)
    return Alert(
        event_id=event.id,
        org_id=event.org_id,
        trigger="SYNC_FAILED",
        subject_key=f"account:{m.account_id}",
        title=f"Sync failed for {m.account_name} ({_provider(m.provider)}): {m.reason}",
        summary=m.message or f"The sync of {m.account_name} failed with {m.reason}.",
        urgency="warning",
        occurred_at=_time(m),
        facts=(
            ("Account", m.account_name),
            ("Provider", _provider(m.provider)),
            ("Reason", m.reason),
            ("Window", f"{m.window.start_date} to {m.window.end_date}"),
        ),
        account_id=m.account_id,
        data=_data(m),
    )


def invoice_overdue_alert(event: Event) -> Alert:
    m = event.parse(invoice_events.InvoiceOverdue)
    return Alert(
        event_id=event.id,
        org_id=event.org_id,
        trigger="INVOICE_OVERDUE",
        subject_key=f"invoice:{m.invoice_id}",
        title=f"Invoice {m.number} to {m.client_name} is {m.days_overdue} days overdue",
        summary=f"Invoice {m.number} for {money_text(m.amount)} was due on {m.due_date}.",
        urgency="warning",
        occurred_at=_time(m),
        facts=(
            ("Amount", money_text(m.amount)),
            ("Due", m.due_date),
            ("Days overdue", str(m.days_overdue)),
            ("Client", m.client_name),
        ),
        account_id=m.account_id,
        tenant_id=m.tenant_id,
        data=_data(m),
    )


def allowance_alert(event: Event) -> Alert:
    m = event.parse(metering_events.AllowanceReached)
    u = m.usage
    return Alert(
        event_id=event.id,
        org_id=event.org_id,
        trigger="ALLOWANCE_REACHED",
        subject_key=f"tenant:{m.tenant_id}:{u.meter}:{m.period}",
        title=f"{m.tenant_name} reached its {u.meter} allowance for {m.period}",
        summary=f"{m.tenant_name} used {u.used} of {u.allowance} {u.meter} ({u.percent}%).",
        urgency="critical",
        occurred_at=_time(m),
        facts=(
            ("Used", u.used),
            ("Allowance", u.allowance),
            ("Percent", f"{u.percent}%"),
            ("Meter", u.meter),
            ("Period", m.period),
        ),
        tenant_id=m.tenant_id,
        data=_data(m),
    )


# Subject -> how its events become alerts.
ALERTS_BY_SUBJECT: dict[str, Callable[[Event], Alert]] = {
    messaging.BUDGET_THRESHOLD_CROSSED: budget_alert,
    messaging.ANOMALY_DETECTED: anomaly_alert,
    messaging.SYNC_FAILED: sync_failed_alert,
    messaging.INVOICE_OVERDUE: invoice_overdue_alert,
    messaging.ALLOWANCE_REACHED: allowance_alert,
}
