"""Invoice lines from costs: each line rounded half-up, the total the sum of rounded lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from services.common.money import Money
from services.invoicing.domain.model import Line

MARKUP_CATEGORY = "markup"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ServiceCost:
    service: str
    amount: Decimal  # full provider precision


def rounded(amount: Decimal, currency: str) -> Decimal:
    return Money(amount, currency).rounded().amount


def total(lines: Iterable[Line]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))


def service_lines(costs: Iterable[ServiceCost], currency: str) -> list[Line]:
    """One line per service, largest first; services that round to nothing are left out."""
    by_service: dict[str, Decimal] = {}
    for cost in costs:
        by_service[cost.service] = by_service.get(cost.service, Decimal(0)) + cost.amount
    lines = [
        Line(description=service or "Other", category=service, amount=rounded(amount, currency))
        for service, amount in by_service.items()
    ]
    lines = [line for line in lines if line.amount != 0]
    return sorted(lines, key=lambda line: (-line.amount, line.category))


def markup_line(subtotal: Decimal, percent: Decimal, currency: str) -> Line | None:
    """Markup on the rounded subtotal, so the client can check it against the lines above."""
    if percent == 0 or subtotal == 0:
        return None
    amount = rounded(subtotal * percent / HUNDRED, currency)
    if amount == 0:
        return None
    percent_text = format(percent.normalize(), "f")
    return Line(
        description=f"Markup {percent_text}% on {format(subtotal, 'f')} {currency}",
        category=MARKUP_CATEGORY,
        amount=amount,
    )


def cost_invoice_lines(
    costs: Iterable[ServiceCost], markup_percent: Decimal, currency: str
) -> list[Line]:
    lines = service_lines(costs, currency)
    markup = markup_line(total(lines), markup_percent, currency)
    return [*lines, markup] if markup else lines
