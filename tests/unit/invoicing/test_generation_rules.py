"""The decisions of GenerateInvoices and GenerateHistoricalInvoices for one invoice."""

from datetime import date
from decimal import Decimal

import pytest

from services.common.errors import InvalidArgument
from services.invoicing.domain.generation import (
    Action,
    Computed,
    decide_generate,
    decide_historical,
)
from services.invoicing.domain.model import Invoice, Line, SkipReason, Source, Status
from services.invoicing.domain.periods import historical_status, recent_months

TODAY = date(2026, 3, 15)
LINES = [Line("EC2", "EC2", Decimal("10.00"))]
SAME = Computed(LINES, Decimal("10.00"))
CHANGED = Computed([Line("EC2", "EC2", Decimal("12.00"))], Decimal("12.00"))


def _existing(status: Status, month: int = 2) -> Invoice:
    return Invoice(
        1, "o", "INV-2026-0001", status, Source.CLOUD_COSTS, 1, "", "c", "", 2026, month,
        date(2026, month, 1), date(2026, month, 28), "USD", Decimal("10.00"), lines=list(LINES),
    )  # fmt: skip


@pytest.mark.parametrize(("month", "status"), [(3, Status.DRAFT), (2, Status.PENDING)])
def test_new_invoices_are_draft_this_month_and_pending_once_ended(month, status):
    decision = decide_generate(None, SAME, 2026, month, False, TODAY)
    assert (decision.action, decision.status, decision.issue) == (
        Action.CREATE,
        status,
        status is Status.PENDING,
    )


def test_a_month_that_has_not_started_cannot_be_generated():
    with pytest.raises(InvalidArgument):
        decide_generate(None, SAME, 2026, 4, False, TODAY)


@pytest.mark.parametrize("status", list(Status))
def test_without_overwrite_any_existing_invoice_is_left_alone(status):
    decision = decide_generate(_existing(status), CHANGED, 2026, 2, False, TODAY)
    assert (decision.action, decision.skip_reason) == (Action.SKIP, SkipReason.ALREADY_EXISTS)


@pytest.mark.parametrize("decide", ["generate", "historical"])
def test_a_paid_invoice_is_never_recalculated(decide):
    existing = _existing(Status.PAID)
    decision = (
        decide_generate(existing, CHANGED, 2026, 2, True, TODAY)
        if decide == "generate"
        else decide_historical(existing, CHANGED, 2026, 2, TODAY)
    )
    assert (decision.action, decision.skip_reason) == (Action.SKIP, SkipReason.ALREADY_PAID)


@pytest.mark.parametrize("status", [Status.PENDING, Status.OVERDUE])
def test_overwrite_recalculates_and_keeps_the_status(status):
    decision = decide_generate(_existing(status), CHANGED, 2026, 2, True, TODAY)
    assert (decision.action, decision.status, decision.issue) == (Action.UPDATE, status, False)


def test_overwrite_with_nothing_changed_is_a_skip():
    decision = decide_generate(_existing(Status.PENDING), SAME, 2026, 2, True, TODAY)
    assert (decision.action, decision.skip_reason) == (Action.SKIP, SkipReason.ALREADY_EXISTS)


def test_a_draft_of_an_ended_month_is_issued_even_when_nothing_else_changed():
    decision = decide_historical(_existing(Status.DRAFT, month=2), SAME, 2026, 2, TODAY)
    assert (decision.action, decision.status, decision.issue) == (
        Action.UPDATE,
        Status.PENDING,
        True,
    )


def test_a_draft_of_the_current_month_stays_a_draft():
    decision = decide_historical(_existing(Status.DRAFT, month=3), CHANGED, 2026, 3, TODAY)
    assert (decision.action, decision.status, decision.issue) == (
        Action.UPDATE,
        Status.DRAFT,
        False,
    )


@pytest.mark.parametrize(
    ("year", "month", "status"),
    [
        (2026, 3, Status.DRAFT),
        (2026, 2, Status.PENDING),
        (2026, 1, Status.PENDING),
        (2025, 12, Status.PAID),
        (2024, 3, Status.PAID),
    ],
)
def test_historical_status_by_age(year, month, status):
    assert historical_status(year, month, TODAY) == status


def test_recent_months_run_oldest_first_across_years():
    assert recent_months(TODAY, 3) == [(2025, 12), (2026, 1), (2026, 2), (2026, 3)]
