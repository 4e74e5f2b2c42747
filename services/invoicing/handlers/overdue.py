"""The scheduled overdue check: PENDING invoices past their due date become OVERDUE.

The status change and its INVOICE_OVERDUE event share one transaction, and only a PENDING
invoice is picked, so each invoice is announced once however many replicas run the loop.
"""

from __future__ import annotations

import asyncio

from services.common.logging import get_logger
from services.invoicing.deps import Deps
from services.invoicing.domain.model import Status
from services.invoicing.handlers import events
from services.invoicing.repository import invoices as repo

log = get_logger(__name__)


async def mark_overdue(deps: Deps) -> int:
    """One pass; returns how many invoices turned OVERDUE."""
    turned = 0
    while True:
        async with deps.db.transaction() as session:
            batch = await repo.claim_past_due(
                session, deps.today(), deps.settings.invoicing_overdue_batch
            )
            for invoice in batch:
                await repo.set_status(session, invoice.org_id, invoice.id, Status.OVERDUE, None)
                invoice.status = Status.OVERDUE
                await events.invoice_overdue(session, invoice, deps.now())
        turned += len(batch)
        if len(batch) < deps.settings.invoicing_overdue_batch:
            return turned


def overdue_loop(deps: Deps):  # type: ignore[no-untyped-def]
    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                if turned := await mark_overdue(deps):
                    log.info("invoices.overdue", count=turned)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is down: try again next round
                log.warning_limited(
                    "invoices.overdue_check_failed", error=str(exc) or type(exc).__name__
                )
            try:
                await asyncio.wait_for(
                    stop.wait(), timeout=deps.settings.invoicing_overdue_interval_seconds
                )
            except TimeoutError:
                pass

    return run
