"""Reading and managing invoices: one transaction per use case, scoped to the caller's org."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from services.common.caller import current_caller, require_role
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.money import minor_units
from services.common.pagination import decode_token, page_of, page_size
from services.invoicing.deps import Deps
from services.invoicing.domain.model import Invoice, Status
from services.invoicing.handlers import removal
from services.invoicing.repository import invoices as repo
from services.invoicing.repository.invoices import ListFilter

UPDATABLE = ("amount", "notes")
MAX_NOTES = 4000


@dataclass(frozen=True)
class InvoiceChanges:
    paths: tuple[str, ...]
    amount: Decimal | None = None
    currency: str = ""
    notes: str = ""


def _not_found(invoice_id: int) -> NotFound:
    return NotFound(f"invoice {invoice_id} not found", reason="INVOICE_NOT_FOUND")


async def get_invoice(deps: Deps, invoice_id: int) -> Invoice:
    org_id = current_caller().org_id
    async with deps.db.transaction() as session:
        invoice = await repo.get(session, org_id, invoice_id)
    if invoice is None:
        raise _not_found(invoice_id)
    return invoice


async def list_invoices(
    deps: Deps, where: ListFilter, requested_size: int, token: str
) -> tuple[list[Invoice], str]:
    org_id = current_caller().org_id
    size = page_size(requested_size)
    scope = f"{org_id}|{where.account_id}|{where.status}|{where.period_year}|{where.period_month}"
    key = decode_token(token, deps.page_secret, scope)
    after = int(key[0]) if key else None
    async with deps.db.transaction() as session:
        rows = await repo.list_page(session, org_id, where, after, size + 1)
    return page_of(rows, size, lambda invoice: [invoice.id], deps.page_secret, scope)


async def update_invoice(deps: Deps, invoice_id: int, changes: InvoiceChanges) -> Invoice:
    org_id = require_role("member").org_id
    _validate_paths(changes.paths)
    async with deps.db.transaction() as session:
        invoice = await repo.get(session, org_id, invoice_id, lock=True)
        if invoice is None:
            raise _not_found(invoice_id)
        if "amount" in changes.paths:
            _check_amount(invoice, changes)
            invoice.set_amount(changes.amount)  # type: ignore[arg-type]
        if "notes" in changes.paths:
            if len(changes.notes) > MAX_NOTES:
                raise InvalidArgument("invoice.notes", f"must be at most {MAX_NOTES} characters")
            invoice.notes = changes.notes
        await repo.save(session, invoice)
        if "amount" in changes.paths:
            await repo.replace_lines(session, invoice.id, invoice.lines)
        return await repo.get(session, org_id, invoice_id)  # type: ignore[return-value]


def _validate_paths(paths: tuple[str, ...]) -> None:
    if not paths:
        raise InvalidArgument("update_mask", f"name at least one of {', '.join(UPDATABLE)}")
    unknown = [p for p in paths if p not in UPDATABLE]
    if unknown:
        raise InvalidArgument(
            "update_mask", f"cannot update {', '.join(unknown)}; allowed: {', '.join(UPDATABLE)}"
        )


def _check_amount(invoice: Invoice, changes: InvoiceChanges) -> None:
    if invoice.status is Status.PAID:
        raise FailedPrecondition(
            f"{invoice.number} is paid; its amount cannot change", reason="INVOICE_PAID"
        )
    if changes.amount is None:
        raise InvalidArgument("invoice.amount", "is required when the mask names amount")
    if changes.currency and changes.currency != invoice.currency:
        raise InvalidArgument(
            "invoice.amount.currency_code", f"the invoice is in {invoice.currency}"
        )
    if changes.amount < 0:
        raise InvalidArgument("invoice.amount.amount", "must not be negative")
    exponent = changes.amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > minor_units(invoice.currency):
        raise InvalidArgument(
            "invoice.amount.amount",
            f"{invoice.currency} has {minor_units(invoice.currency)} decimal places at most",
        )


async def mark_paid(deps: Deps, invoice_id: int, paid_at: datetime | None) -> Invoice:
    """Idempotent: a paid invoice keeps its first paid time."""
    org_id = require_role("member").org_id
    now = deps.now()
    if paid_at is not None and paid_at > now:
        raise InvalidArgument("paid_time", "must not be in the future")
    async with deps.db.transaction() as session:
        invoice = await repo.get(session, org_id, invoice_id, lock=True)
        if invoice is None:
            raise _not_found(invoice_id)
        if invoice.status is Status.DRAFT:
            raise FailedPrecondition(
                f"{invoice.number} is a draft; its month is still accumulating cost",
                reason="INVOICE_NOT_ISSUED",
            )
        if invoice.status is not Status.PAID:
            await repo.set_status(session, org_id, invoice_id, Status.PAID, paid_at or now)
        return await repo.get(session, org_id, invoice_id)  # type: ignore[return-value]


async def delete_invoice(deps: Deps, invoice_id: int) -> None:
    """Admin only. Deleting the latest number of a year gives that number back to the
    sequence, so a mistaken generation leaves no gap; an older number stays unused."""
    org_id = require_role("admin").org_id
    async with deps.db.transaction() as session:
        invoice = await repo.get(session, org_id, invoice_id)
        if invoice is None:
            raise _not_found(invoice_id)
        if not await removal.remove(session, org_id, invoice_id, invoice.period_year):
            raise _not_found(invoice_id)
