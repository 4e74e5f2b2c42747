"""Removing an invoice without leaving a hole in its year's numbers where none is needed."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.invoicing.repository import invoices as repo


async def remove(session: AsyncSession, org_id: str, invoice_id: int, period_year: int) -> bool:
    """Deleting the latest number of a year gives that number back to the sequence, so a
    mistaken generation leaves no gap; an older number stays unused (it may have been sent).
    False when there was no such invoice."""
    last = await repo.lock_counter(session, org_id, period_year)
    deleted = await repo.delete(session, org_id, invoice_id)
    if deleted is None:
        return False
    year, sequence = deleted
    if sequence == last:
        await repo.set_counter(session, org_id, year, last - 1)
    return True
