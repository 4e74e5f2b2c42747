"""A rated period as statement lines: base fee and compute per rate span, overage, credits."""

from __future__ import annotations

from decimal import Decimal

from services.metering.domain.meters import LOGS, METRICS, RATE_UNITS
from services.metering.domain.periods import to_datetime
from services.metering.domain.pricing import Span
from services.metering.domain.rating import Charges

LABELS = {"cpu": "CPU", "memory": "Memory", "storage": "Storage"}
CATEGORIES = {"cpu": "CPU", "memory": "MEMORY", "storage": "STORAGE"}


def plain(value: Decimal) -> str:
    """Decimal text without exponent or trailing zeros."""
    return format(value.normalize(), "f") if value else "0"


def _during(span: Span) -> str:
    fmt = "%Y-%m-%d %H:%M:%S"
    return f"plan '{span.plan.name}', {to_datetime(span.start):{fmt}} to {to_datetime(span.end):{fmt}} UTC"


def _line(
    category: str,
    description: str,
    amount: Decimal,
    quantity: Decimal | None = None,
    unit: str = "",
    rate: Decimal | None = None,
) -> dict[str, str]:
    return {
        "category": category,
        "description": description,
        "quantity": "" if quantity is None else plain(quantity),
        "unit": unit,
        "rate": "" if rate is None else plain(rate),
        "amount": plain(amount),
    }


def statement_lines(charges: Charges) -> list[dict[str, str]]:
    lines = [
        _line("BASE_FEE", f"Base fee, {_during(span)}", fee) for span, fee in charges.base_fees
    ]
    for c in charges.compute:
        lines.append(
            _line(
                CATEGORIES[c.meter],
                f"{LABELS[c.meter]}, {_during(c.span)}",
                c.amount,
                c.hours,
                RATE_UNITS[c.meter],
                c.rate,
            )
        )
    for category, meter, overage in (
        ("METRICS_OVERAGE", METRICS, charges.metrics_overage),
        ("LOGS_OVERAGE", LOGS, charges.logs_overage),
    ):
        use = charges.allowances[meter]
        if overage.amount:
            what = f"used {plain(use.used)} of {plain(use.allowance)}"
            lines.append(
                _line(
                    category,
                    f"{meter} over the allowance ({what})",
                    overage.amount,
                    overage.units,
                    RATE_UNITS[meter],
                    overage.rate,
                )
            )
    for credit, applied in charges.credits:
        reason = f": {credit.reason}" if credit.reason else ""
        lines.append(_line("CREDITS", f"Credit {credit.id}{reason}", -applied))
    return lines
