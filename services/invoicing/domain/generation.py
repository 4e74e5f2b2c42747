"""What generation does with one (account, month, currency): create, update or skip, and why.

GenerateInvoices and GenerateHistoricalInvoices share one rule that a PAID invoice is never
recalculated (its amount is what the client paid); they differ in when an existing invoice
may be recalculated and in the status a new invoice gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from services.invoicing.domain.model import Invoice, Line, SkipReason, Status
from services.invoicing.domain.periods import (
    generation_status,
    historical_status,
    month_has_ended,
)


class Action(StrEnum):
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    SKIP = "SKIP"


@dataclass(frozen=True)
class Decision:
    action: Action
    status: Status | None = None
    # True when the invoice gets its issue date now (and INVOICE_ISSUED is published).
    issue: bool = False
    skip_reason: SkipReason | None = None
    detail: str = ""


@dataclass(frozen=True)
class Computed:
    lines: list[Line]
    amount: Decimal


def decide_generate(
    existing: Invoice | None,
    computed: Computed,
    year: int,
    month: int,
    overwrite: bool,
    today: date,
) -> Decision:
    if existing is None:
        status = generation_status(year, month, today)
        return Decision(Action.CREATE, status, issue=status is Status.PENDING)
    if not overwrite:
        return Decision(
            Action.SKIP,
            skip_reason=SkipReason.ALREADY_EXISTS,
            detail=f"{existing.number} exists; set overwrite to recalculate it",
        )
    return _recalculate(existing, computed, today)


def decide_historical(
    existing: Invoice | None, computed: Computed, year: int, month: int, today: date
) -> Decision:
    if existing is None:
        status = historical_status(year, month, today)
        return Decision(Action.CREATE, status, issue=status is not Status.DRAFT)
    return _recalculate(existing, computed, today)


def _recalculate(existing: Invoice, computed: Computed, today: date) -> Decision:
    if existing.status is Status.PAID:
        return Decision(
            Action.SKIP,
            skip_reason=SkipReason.ALREADY_PAID,
            detail=f"{existing.number} is paid and is never recalculated",
        )
    ended_draft = existing.status is Status.DRAFT and month_has_ended(
        existing.period_year, existing.period_month, today
    )
    status = Status.PENDING if ended_draft else existing.status
    if not ended_draft and existing.lines == computed.lines and existing.amount == computed.amount:
        return Decision(
            Action.SKIP,
            skip_reason=SkipReason.ALREADY_EXISTS,
            detail=f"{existing.number} is up to date; nothing changed",
        )
    return Decision(Action.UPDATE, status, issue=ended_draft)
