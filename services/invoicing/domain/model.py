"""Invoices as the business sees them: plain data, no I/O, no protos."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

DEFAULT_PAYMENT_TERMS_DAYS = 30
ADJUSTMENT_CATEGORY = "adjustment"


class Status(StrEnum):
    DRAFT = "DRAFT"
    PENDING = "PENDING"
    PAID = "PAID"
    OVERDUE = "OVERDUE"


class Source(StrEnum):
    CLOUD_COSTS = "CLOUD_COSTS"
    METERING = "METERING"


class SkipReason(StrEnum):
    NO_COST = "NO_COST"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    ALREADY_PAID = "ALREADY_PAID"
    BEYOND_HISTORY_LIMIT = "BEYOND_HISTORY_LIMIT"


@dataclass(frozen=True)
class Line:
    description: str
    category: str
    # Already rounded half-up to the currency's minor unit.
    amount: Decimal
    quantity: Decimal | None = None
    unit: str = ""
    unit_price: Decimal | None = None
    # Set by hand (UpdateInvoice), not computed: recalculation replaces it with the charges.
    adjustment: bool = False


def adjustment_line(amount: Decimal) -> Line:
    return Line("Adjustment", ADJUSTMENT_CATEGORY, amount, adjustment=True)


@dataclass(frozen=True)
class BillingSettings:
    account_id: int
    markup_percent: Decimal = Decimal(0)
    payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS
    # Empty means the cloud account's own name.
    client_name: str = ""
    client_address: str = ""


@dataclass(frozen=True)
class IssuerProfile:
    name: str = ""
    address: str = ""
    email: str = ""
    tax_id: str = ""
    payment_instructions: str = ""


@dataclass
class Invoice:
    id: int
    org_id: str
    number: str
    status: Status
    source: Source
    account_id: int
    tenant_id: str
    client_name: str
    client_address: str
    period_year: int
    period_month: int
    period_start: date
    period_end: date
    currency: str
    amount: Decimal
    notes: str = ""
    issue_date: date | None = None
    due_date: date | None = None
    paid_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    lines: list[Line] = field(default_factory=list)

    @property
    def charges(self) -> list[Line]:
        return [line for line in self.lines if not line.adjustment]

    @property
    def adjustments(self) -> list[Line]:
        return [line for line in self.lines if line.adjustment]

    def set_amount(self, amount: Decimal) -> None:
        """A total set by hand: one adjustment line carries its difference from the charges,
        so the lines, the total and every document built from them still agree."""
        difference = amount - _sum(self.charges)
        self.lines = [*self.charges, *([adjustment_line(difference)] if difference else [])]
        self.amount = amount


def _sum(lines: list[Line]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))


def invoice_number(year: int, sequence: int) -> str:
    return f"INV-{year}-{sequence:04d}"
