"""A closed metering statement as invoice lines, one per category, credits negative."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from services.invoicing.domain.model import Line
from services.invoicing.domain.pricing import rounded


@dataclass(frozen=True)
class StatementLine:
    category: str  # "cpu", "memory", "storage", "metrics_overage", "logs_overage", "credits", ...
    description: str
    amount: Decimal
    quantity: Decimal | None = None
    unit: str = ""
    rate: Decimal | None = None


def statement_lines(lines: Iterable[StatementLine], currency: str) -> list[Line]:
    """Keeps the statement's order; credits stay negative whatever sign metering sent."""
    result = []
    for line in lines:
        amount = rounded(line.amount, currency)
        if line.category == "credits":
            amount = -abs(amount)
        result.append(
            Line(
                description=line.description or line.category.replace("_", " ").capitalize(),
                category=line.category,
                amount=amount,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.rate,
            )
        )
    return result
