"""What a budget is, and the rules its values must follow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from services.budgets.domain.periods import PeriodKind
from services.common import names
from services.common.errors import InvalidArgument

DEFAULT_THRESHOLD = Decimal("80")
MAX_NAME = 200
PROVIDERS = range(0, 6)  # costgrid.common.v1.Provider; 0 = any


@dataclass(frozen=True)
class Scope:
    """Empty fields do not narrow what counts."""

    account_ids: tuple[int, ...] = ()
    provider: int = 0
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class BudgetSpec:
    name: str
    amount: Decimal
    currency: str
    period: PeriodKind
    threshold_percent: Decimal
    scope: Scope
    alert_on_forecast: bool


def check_name(name: str, field: str) -> str:
    return names.check_name(name, field, max_length=MAX_NAME)


def check_amount(amount: Decimal, field: str) -> Decimal:
    if amount <= 0:
        raise InvalidArgument(field, "must be greater than zero")
    return amount


def check_period(value: int, field: str) -> PeriodKind:
    if value not in PeriodKind.__members__.values():
        raise InvalidArgument(field, "must be MONTHLY, QUARTERLY or YEARLY")
    return PeriodKind(value)


def check_threshold(value: Decimal | None, field: str) -> Decimal:
    if value is None:
        return DEFAULT_THRESHOLD
    if not Decimal(1) <= value <= Decimal(1000):
        raise InvalidArgument(field, "must be between 1 and 1000 percent")
    return value


def check_scope(account_ids: list[int], provider: int, services: list[str], field: str) -> Scope:
    if any(a <= 0 for a in account_ids):
        raise InvalidArgument(f"{field}.account_ids", "account ids must be positive")
    if provider not in PROVIDERS:
        raise InvalidArgument(f"{field}.provider", f"unknown provider {provider}")
    cleaned = [s.strip() for s in services]
    if any(not s for s in cleaned):
        raise InvalidArgument(f"{field}.services", "service names must not be empty")
    return Scope(tuple(sorted(set(account_ids))), provider, tuple(sorted(set(cleaned))))


def covers(scope: Scope, account_id: int, provider: int) -> bool:
    """Whether spend of this account can count against the budget."""
    accounts_ok = not scope.account_ids or account_id in scope.account_ids
    return accounts_ok and scope.provider in (0, provider)


@dataclass(frozen=True)
class Budget:
    id: int
    spec: BudgetSpec
    create_time: datetime
    update_time: datetime
    # The UTC day it was created, by the service's clock.
    created_on: date


def exists_in(budget: Budget, period: tuple[date, date]) -> bool:
    """Whether the budget existed during the period: only then can it alert for it, so a
    re-sync of months before it was created stays quiet."""
    return period[1] >= budget.created_on
