"""Normalized cost data: what every connector turns its provider's bill into.

Column names follow the FinOps FOCUS specification so line items from any provider
(or a FOCUS export file) land in one shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class DateWindow:
    """Billing days from `start` to `end`, both inclusive, UTC."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"window end {self.end} is before start {self.start}")

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass(frozen=True, slots=True)
class CostLineItem:
    """One charge as reported by a provider, FOCUS-aligned. Amounts keep full precision."""

    charge_period_start: datetime  # UTC, tz-aware
    charge_period_end: datetime  # UTC, tz-aware, exclusive
    billed_cost: Decimal
    effective_cost: Decimal
    billing_currency: str  # ISO 4217
    service_name: str
    list_cost: Decimal | None = None
    service_category: str = ""
    region_id: str = ""
    sub_account_id: str = ""  # AWS linked account, GCP project, Azure subscription
    sub_account_name: str = ""
    resource_id: str = ""
    charge_category: str = "Usage"  # FOCUS: Usage | Purchase | Tax | Credit | Adjustment
    provider_name: str = ""  # as the source names itself ("AWS", "Microsoft", ...)
    tags: Mapping[str, str] = field(default_factory=dict)
    provisional: bool = False  # the provider says the figure may still change (AWS Estimated)

    @property
    def charge_day(self) -> date:
        return self.charge_period_start.date()
