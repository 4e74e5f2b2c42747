"""The anomaly list in the published costs API's shape, from budgets' ListAnomalies answer.

Each item leads with the documented fields (amounts as JSON numbers in the anomaly's
`currency`) and keeps the richer ones (severity, scope, root causes, dismissal) beside them.
`expected_amount` is what the impact is measured from (`actual_amount` minus the impact),
so `deviation_percent` and the services' `vs_expected` speak of the same figure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.common.v1 import provider_pb2
from pydantic import BaseModel

from services.gateway.http.protojson import decimal_of, enum_name, timestamp, to_json
from services.gateway.http.schemas import Amount

# Only rises above the expected range are detected (budgets' domain/anomaly.py).
SPIKE = "spike"
_STATUS = budgets_pb.AnomalyStatus.DESCRIPTOR
_SEVERITY = budgets_pb.AnomalySeverity.DESCRIPTOR
_SCOPE = budgets_pb.AnomalyScope.DESCRIPTOR
_PROVIDER = provider_pb2.Provider.DESCRIPTOR


class TopService(BaseModel):
    service: str
    amount: Amount | None
    vs_expected: Amount


class AnomalyItem(BaseModel):
    id: int
    type: str
    provider_id: int
    date: str
    actual_amount: Amount
    expected_amount: Amount
    expected_upper: Amount
    deviation_percent: Amount | None
    top_services: list[TopService]
    status: str | None
    detected_at: str | None
    currency: str
    name: str
    provider: str | None
    scope: str | None
    service: str | None
    severity: str | None
    expected_lower: Amount
    impact: Amount
    root_causes: list[dict[str, Any]]
    updated_at: str | None
    dismiss_reason: str | None
    dismissed_by: str | None
    dismissed_at: str | None


class AnomalyList(BaseModel):
    data: list[AnomalyItem]
    next_page_token: str


def _amount(message: Any) -> Decimal:
    return Decimal(message.amount or "0")


def _time(
    anomaly: budgets_pb.Anomaly, field: Literal["detect_time", "update_time", "dismiss_time"]
) -> str | None:
    return timestamp(getattr(anomaly, field)) if anomaly.HasField(field) else None


def _top_services(a: budgets_pb.Anomaly) -> list[dict[str, Any]]:
    if a.scope == budgets_pb.ANOMALY_SCOPE_SERVICE:
        return [
            {"service": a.service, "amount": _amount(a.actual), "vs_expected": _amount(a.impact)}
        ]
    return [
        {
            "service": c.key,
            "amount": _amount(c.actual) if c.HasField("actual") else None,
            "vs_expected": _amount(c.impact),
        }
        for c in a.root_causes
        if c.dimension == budgets_pb.ROOT_CAUSE_DIMENSION_SERVICE
    ]


def anomaly_item(a: budgets_pb.Anomaly) -> dict[str, Any]:
    actual = _amount(a.actual)
    return {
        "id": a.id,
        "type": SPIKE,
        "provider_id": a.account_id,
        "date": a.day,
        "actual_amount": actual,
        "expected_amount": actual - _amount(a.impact),
        "expected_upper": _amount(a.expected_high),
        "deviation_percent": decimal_of(a.impact_percent),
        "top_services": _top_services(a),
        "status": enum_name(_STATUS, a.status),
        "detected_at": _time(a, "detect_time"),
        "currency": a.actual.currency_code,
        "name": a.account_name,
        "provider": enum_name(_PROVIDER, a.provider),
        "scope": enum_name(_SCOPE, a.scope),
        "service": a.service or None,
        "severity": enum_name(_SEVERITY, a.severity),
        "expected_lower": _amount(a.expected_low),
        "impact": _amount(a.impact),
        "root_causes": [to_json(c) for c in a.root_causes],
        "updated_at": _time(a, "update_time"),
        "dismiss_reason": a.dismiss_reason or None,
        "dismissed_by": a.dismissed_by or None,
        "dismissed_at": _time(a, "dismiss_time"),
    }


def anomaly_list_json(resp: budgets_pb.ListAnomaliesResponse) -> dict[str, Any]:
    return {
        "data": [anomaly_item(a) for a in resp.anomalies],
        "next_page_token": resp.next_page_token,
    }
