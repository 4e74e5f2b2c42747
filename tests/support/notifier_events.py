"""Events as the other services publish them (Nats-Msg-Id = event id, the outbox's headers),
for driving the notifier in tests and the benchmark."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from costgrid.budgets.v1 import events_pb2 as budget_events
from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.common.v1 import date_range_pb2, money_pb2, provider_pb2
from costgrid.ingest.v1 import events_pb2 as ingest_events
from costgrid.invoicing.v1 import events_pb2 as invoice_events
from costgrid.metering.v1 import events_pb2 as metering_events
from costgrid.metering.v1 import service_pb2 as metering_pb
from google.protobuf.message import Message

from services.common import messaging as subjects
from services.common.messaging import Messaging
from services.common.outbox import EVENT_ORG, EVENT_TIME, EVENT_TRACE, EVENT_TYPE, MSG_ID


async def publish(messaging: Messaging, subject: str, message: Message, org_id: str) -> str:
    event_id = getattr(message, "event_id", "") or str(uuid.uuid4())
    headers = {
        MSG_ID: event_id,
        EVENT_TYPE: message.DESCRIPTOR.full_name,
        EVENT_ORG: org_id,
        EVENT_TIME: datetime.now(UTC).isoformat(),
        EVENT_TRACE: uuid.uuid4().hex,
    }
    await messaging.js.publish(
        messaging.namespace.subject(subject), message.SerializeToString(), headers=headers
    )
    return event_id


def _usd(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="USD", amount=amount)


def budget_crossed(
    org_id: str, budget_id: int = 7, level: str = "CRITICAL", event_id: str = ""
) -> tuple[str, Message]:
    message = budget_events.BudgetThresholdCrossed(
        event_id=event_id or str(uuid.uuid4()),
        org_id=org_id,
        budget_id=budget_id,
        budget_name="Production",
        level=budgets_pb.BudgetAlertLevel.Value(f"BUDGET_ALERT_LEVEL_{level}"),
        basis=budgets_pb.BUDGET_ALERT_BASIS_ACTUAL,
        spent=_usd("10512.3456"),
        amount=_usd("10000"),
        percent="105.12",
        period=date_range_pb2.DateRange(start_date="2026-03-01", end_date="2026-03-31"),
    )
    message.occurred_at.GetCurrentTime()
    return subjects.BUDGET_THRESHOLD_CROSSED, message


def anomaly(org_id: str, account_id: int = 3, severity: str = "HIGH") -> tuple[str, Message]:
    message = budget_events.AnomalyDetected(
        event_id=str(uuid.uuid4()),
        org_id=org_id,
        anomaly=budgets_pb.Anomaly(
            id=99,
            day="2026-03-14",
            scope=budgets_pb.ANOMALY_SCOPE_SERVICE,
            account_id=account_id,
            account_name="prod-aws",
            provider=provider_pb2.PROVIDER_AWS,
            service="Amazon EC2",
            expected_low=_usd("100"),
            expected_high=_usd("140"),
            actual=_usd("480.5"),
            impact=_usd("340.5"),
            impact_percent="243.2",
            severity=budgets_pb.AnomalySeverity.Value(f"ANOMALY_SEVERITY_{severity}"),
        ),
    )
    message.occurred_at.GetCurrentTime()
    return subjects.ANOMALY_DETECTED, message


def sync_failed(org_id: str, account_id: int = 3) -> tuple[str, Message]:
    message = ingest_events.SyncFailed(
        event_id=str(uuid.uuid4()),
        org_id=org_id,
        job_id=1,
        account_id=account_id,
        account_name="prod-aws",
        provider=provider_pb2.PROVIDER_AWS,
        reason="PROVIDER_AUTH_FAILED",
        message="The AWS role can no longer be assumed; update the account's credentials.",
    )
    return subjects.SYNC_FAILED, message


def invoice_overdue(org_id: str, tenant_id: str = "acme") -> tuple[str, Message]:
    message = invoice_events.InvoiceOverdue(
        event_id=str(uuid.uuid4()),
        org_id=org_id,
        invoice_id=12,
        number="INV-2026-0012",
        tenant_id=tenant_id,
        client_name="Acme Ltd",
        amount=_usd("1250.00"),
        due_date="2026-03-01",
        days_overdue=14,
    )
    return subjects.INVOICE_OVERDUE, message


def allowance_reached(org_id: str, tenant_id: str = "acme") -> tuple[str, Message]:
    message = metering_events.AllowanceReached(
        event_id=str(uuid.uuid4()),
        org_id=org_id,
        tenant_id=tenant_id,
        tenant_name="Acme Ltd",
        period="2026-03",
        usage=metering_pb.AllowanceUsage(
            meter="metrics_series", allowance="10000", used="10240", percent="102.4"
        ),
    )
    return subjects.ALLOWANCE_REACHED, message
