"""Request protos to validated domain values; every rejection names the offending field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from costgrid.budgets.v1 import service_pb2 as pb
from google.protobuf.field_mask_pb2 import FieldMask

from services.budgets.domain import budget as rules
from services.budgets.domain.budget import BudgetSpec
from services.common.errors import InvalidArgument
from services.common.money import parse_currency, parse_decimal

BUDGET_PATHS = (
    "name",
    "amount",
    "period",
    "alert_threshold_percent",
    "scope",
    "alert_on_forecast",
)
_SPEC_FIELD = {"alert_threshold_percent": "threshold_percent"}


def budget_fields(budget: pb.Budget, paths: tuple[str, ...] = BUDGET_PATHS) -> dict[str, Any]:
    """The named fields of `budget`, validated, keyed by BudgetSpec attribute."""
    fields: dict[str, Any] = {}
    for path in paths:
        field = f"budget.{path}"
        if path == "name":
            fields["name"] = rules.check_name(budget.name, field)
        elif path == "amount":
            if not budget.HasField("amount") or not budget.amount.amount:
                raise InvalidArgument("budget.amount", "is required")
            fields["amount"] = rules.check_amount(
                parse_decimal(budget.amount.amount, "budget.amount.amount"), "budget.amount.amount"
            )
            fields["currency"] = parse_currency(
                budget.amount.currency_code, "budget.amount.currency_code"
            )
        elif path == "period":
            fields["period"] = rules.check_period(budget.period, field)
        elif path == "alert_threshold_percent":
            text = budget.alert_threshold_percent
            fields["threshold_percent"] = rules.check_threshold(
                parse_decimal(text, field) if text.strip() else None, field
            )
        elif path == "scope":
            s = budget.scope
            fields["scope"] = rules.check_scope(
                list(s.account_ids), int(s.provider), list(s.services), field
            )
        elif path == "alert_on_forecast":
            fields["alert_on_forecast"] = budget.alert_on_forecast
    return fields


def new_budget(budget: pb.Budget) -> BudgetSpec:
    return BudgetSpec(**budget_fields(budget))


def budget_changes(budget: pb.Budget, mask: FieldMask) -> dict[str, Any]:
    """An empty mask replaces every updatable field (AIP-134)."""
    paths = tuple(mask.paths) or BUDGET_PATHS
    unknown = [p for p in paths if p not in BUDGET_PATHS]
    if unknown:
        raise InvalidArgument("update_mask", f"unknown path(s) {', '.join(unknown)}")
    return budget_fields(budget, tuple(dict.fromkeys(paths)))


def positive_id(value: int, field: str) -> int:
    if value <= 0:
        raise InvalidArgument(field, "is required")
    return value


def account_ids(values: list[int], field: str = "account_ids") -> list[int]:
    if any(v <= 0 for v in values):
        raise InvalidArgument(field, "account ids must be positive")
    return sorted(set(values))


def provider(value: int, field: str = "provider") -> int:
    if value not in rules.PROVIDERS:
        raise InvalidArgument(field, f"unknown provider {value}")
    return value


def forecast_days(value: int) -> int:
    if value not in (0, 30, 60, 90):
        raise InvalidArgument("days", "must be 30, 60 or 90")
    return value or 30


def confidence(text: str) -> Decimal:
    if not text.strip():
        return Decimal(80)
    value = parse_decimal(text, "confidence_level")
    if not Decimal(50) <= value <= Decimal("99.9"):
        raise InvalidArgument("confidence_level", "must be between 50 and 99.9 percent")
    return value


def anomaly_days(value: int) -> int:
    if not 0 <= value <= 365:
        raise InvalidArgument("days", "must be between 1 and 365")
    return value or 30


def anomaly_status(value: int) -> int:
    if value not in (0, pb.ANOMALY_STATUS_ACTIVE, pb.ANOMALY_STATUS_DISMISSED):
        raise InvalidArgument("status", f"unknown status {value}")
    return value


def reason(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidArgument("reason", "is required")
    if len(text) > 1000:
        raise InvalidArgument("reason", "must be at most 1000 characters")
    return text


def threshold_changes(settings: pb.AnomalySettings, mask: FieldMask) -> dict[str, Decimal]:
    paths = tuple(mask.paths) or ("min_impact_amount", "min_impact_percent")
    changes = {}
    for path in paths:
        if path not in ("min_impact_amount", "min_impact_percent"):
            raise InvalidArgument("update_mask", f"unknown path {path}")
        field = f"settings.{path}"
        value = parse_decimal(getattr(settings, path) or "", field)
        if value < 0:
            raise InvalidArgument(field, "must not be negative")
        changes[path] = value
    return changes
