"""GenerateInvoices and GenerateHistoricalInvoices: cloud costs from ingest into invoices.

Each (account, month, currency) is its own transaction, so a long run commits as it goes and
a failure part-way leaves every invoice already made valid and numbered without gaps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.caller import require_role
from services.invoicing.api.ingest_client import Account, CostSummary
from services.invoicing.deps import Deps
from services.invoicing.domain.generation import (
    Action,
    Computed,
    Decision,
    decide_generate,
    decide_historical,
)
from services.invoicing.domain.issuing import issue
from services.invoicing.domain.model import (
    BillingSettings,
    Invoice,
    SkipReason,
    Source,
    invoice_number,
)
from services.invoicing.domain.periods import (
    generation_status,
    month_range,
    months_since,
    validate_month,
)
from services.invoicing.domain.pricing import ServiceCost, cost_invoice_lines, total
from services.invoicing.handlers import events
from services.invoicing.repository import billing_settings as settings_repo
from services.invoicing.repository import invoices as repo

Decide = Callable[[Invoice | None, Computed], Decision]


@dataclass
class Outcome:
    account_id: int
    account_name: str
    period_year: int
    period_month: int
    invoice: Invoice | None = None
    skip_reason: SkipReason | None = None
    detail: str = ""


@dataclass
class Report:
    created: list[Outcome] = field(default_factory=list)
    updated: list[Outcome] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)


async def generate_invoices(deps: Deps, year: int, month: int, overwrite: bool) -> Report:
    org_id = require_role("member").org_id
    validate_month(year, month)
    today = deps.today()
    generation_status(year, month, today)  # refuses a month that has not started
    start, end = month_range(year, month)
    report = Report()
    for account in await deps.ingest.active_accounts():
        summary = await deps.ingest.sum_costs(account.id, start, end)

        def decide(existing: Invoice | None, computed: Computed) -> Decision:
            return decide_generate(existing, computed, year, month, overwrite, today)

        await _bill(deps, org_id, account, summary, (year, month), decide, report, quiet=False)
    return report


async def generate_historical(deps: Deps) -> Report:
    """Every month with cost data, from each account's first month with cost (ingest says
    which), up to the configured limit of months back."""
    org_id = require_role("member").org_id
    today = deps.today()
    limit = deps.settings.invoicing_historical_months
    report = Report()
    for account in await deps.ingest.active_accounts():
        first = await deps.ingest.sum_costs(account.id, *month_range(today.year, today.month))
        if first.first_day is None:
            report.skipped.append(
                Outcome(
                    account.id,
                    account.name,
                    0,
                    0,
                    skip_reason=SkipReason.NO_COST,
                    detail="no cost data at all",
                )
            )
            continue
        months = months_since(first.first_day, today, limit)
        if (first.first_day.year, first.first_day.month) < months[0]:
            report.skipped.append(_beyond_limit(account, first.first_day, months[0], limit))
        for year, month in months:
            summary = await deps.ingest.sum_costs(account.id, *month_range(year, month))

            def decide(
                existing: Invoice | None, computed: Computed, y: int = year, m: int = month
            ) -> Decision:
                return decide_historical(existing, computed, y, m, today)

            await _bill(deps, org_id, account, summary, (year, month), decide, report, quiet=True)
    return report


def _beyond_limit(account: Account, first: date, oldest: tuple[int, int], limit: int) -> Outcome:
    return Outcome(
        account.id,
        account.name,
        first.year,
        first.month,
        skip_reason=SkipReason.BEYOND_HISTORY_LIMIT,
        detail=(
            f"cost from {first:%Y-%m}; months before {oldest[0]}-{oldest[1]:02d} are more than "
            f"COSTGRID_INVOICING_HISTORICAL_MONTHS={limit} months back and were not generated"
        ),
    )


def _costs(summary: CostSummary, currency: str) -> list[ServiceCost]:
    """Per service; the total as one line when ingest gave no breakdown."""
    costs = summary.by_service.get(currency)
    if costs:
        return costs
    return [ServiceCost("Cloud usage", summary.totals.get(currency, Decimal(0)))]


async def _bill(
    deps: Deps,
    org_id: str,
    account: Account,
    summary: CostSummary,
    period: tuple[int, int],
    decide: Decide,
    report: Report,
    quiet: bool,
) -> None:
    """One invoice per currency the account was billed in (multi-currency accounts get one
    invoice each, never a sum across currencies). `quiet` leaves months without cost out of
    the report, as historical generation walks every month."""
    year, month = period
    if not summary.currencies() and not quiet:
        report.skipped.append(
            Outcome(
                account.id,
                account.name,
                year,
                month,
                skip_reason=SkipReason.NO_COST,
                detail=f"no cost in {year}-{month:02d}",
            )
        )
    for currency in summary.currencies():
        async with deps.db.transaction() as session:
            await _bill_currency(
                session,
                deps,
                org_id,
                account,
                _costs(summary, currency),
                period,
                currency,
                decide,
                report,
                quiet,
            )


@dataclass(frozen=True)
class _Target:
    """One invoice to make or refresh: an account's month in one currency."""

    org_id: str
    account: Account
    year: int
    month: int
    currency: str
    settings: BillingSettings

    @property
    def client(self) -> str:
        return self.settings.client_name or self.account.name


async def _bill_currency(
    session: AsyncSession,
    deps: Deps,
    org_id: str,
    account: Account,
    costs: list[ServiceCost],
    period: tuple[int, int],
    currency: str,
    decide: Decide,
    report: Report,
    quiet: bool,
) -> None:
    settings = await settings_repo.billing_settings(session, org_id, account.id)
    target = _Target(org_id, account, *period, currency, settings)
    lines = cost_invoice_lines(costs, settings.markup_percent, currency)
    computed = Computed(lines, total(lines))
    outcome = Outcome(account.id, account.name, *period)
    if computed.amount <= 0:
        if not quiet:
            outcome.skip_reason = SkipReason.NO_COST
            outcome.detail = (
                f"no {currency} cost in {period[0]}-{period[1]:02d} (net {computed.amount})"
            )
            report.skipped.append(outcome)
        return
    find = (org_id, account.id, *period, currency)
    existing, last_sequence = await repo.find_cloud(session, *find), None
    if existing is None:
        # Creation is serialized per org and year by the counter lock; a concurrent run may
        # have created this very invoice while we waited, so look again under the lock.
        last_sequence = await repo.lock_counter(session, org_id, target.year)
        existing = await repo.find_cloud(session, *find)
    decision = decide(existing, computed)
    if decision.action is Action.SKIP:
        outcome.invoice, outcome.skip_reason = existing, decision.skip_reason
        outcome.detail = decision.detail
        report.skipped.append(outcome)
        return
    if decision.action is Action.CREATE:
        assert last_sequence is not None
        invoice = await _create(session, deps, target, computed, decision, last_sequence + 1)
        report.created.append(outcome)
    else:
        assert existing is not None
        invoice = await _update(session, deps, target, existing, computed, decision)
        report.updated.append(outcome)
    if decision.issue:
        await events.invoice_issued(session, invoice, deps.now())
    outcome.invoice = await repo.get(session, org_id, invoice.id)


async def _create(
    session: AsyncSession,
    deps: Deps,
    target: _Target,
    computed: Computed,
    decision: Decision,
    sequence: int,
) -> Invoice:
    assert decision.status is not None
    start, end = month_range(target.year, target.month)
    invoice = Invoice(
        id=0,
        org_id=target.org_id,
        number=invoice_number(target.year, sequence),
        status=decision.status,
        source=Source.CLOUD_COSTS,
        account_id=target.account.id,
        tenant_id="",
        client_name=target.client,
        client_address=target.settings.client_address,
        period_year=target.year,
        period_month=target.month,
        period_start=start,
        period_end=end,
        currency=target.currency,
        amount=computed.amount,
        lines=computed.lines,
    )
    issue(invoice, decision.status, deps.today(), target.settings.payment_terms_days)
    invoice.id = await repo.insert(session, invoice, sequence)
    await repo.set_counter(session, target.org_id, target.year, sequence)
    return invoice


async def _update(
    session: AsyncSession,
    deps: Deps,
    target: _Target,
    invoice: Invoice,
    computed: Computed,
    decision: Decision,
) -> Invoice:
    assert decision.status is not None
    invoice.lines, invoice.amount = computed.lines, computed.amount
    invoice.client_name, invoice.client_address = target.client, target.settings.client_address
    if decision.issue:
        issue(invoice, decision.status, deps.today(), target.settings.payment_terms_days)
    await repo.save(session, invoice)
    await repo.replace_lines(session, invoice.id, invoice.lines)
    return invoice
