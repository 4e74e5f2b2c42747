"""accounts.deleted -> the deleted account's invoices not issued yet (DRAFT) are removed, so
no invoice still to be sent counts its costs; issued invoices are documents and stay as
issued. Runs in the inbox transaction: once per event, and a redelivery finds no drafts."""

from __future__ import annotations

from costgrid.ingest.v1 import events_pb2 as ingest_events
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.inbox import Event
from services.common.logging import get_logger
from services.invoicing.handlers import removal
from services.invoicing.repository import invoices as repo

log = get_logger(__name__)


async def on_account_deleted(session: AsyncSession, event: Event) -> None:
    deleted = event.parse(ingest_events.CloudAccountDeleted)
    org_id = deleted.org_id or event.org_id
    drafts = await repo.cloud_drafts(session, org_id, deleted.account_id)
    for invoice_id, period_year in drafts:
        await removal.remove(session, org_id, invoice_id, period_year)
    if drafts:
        log.info(
            "invoices.drafts_of_deleted_account_removed",
            account_id=deleted.account_id,
            invoices=[invoice_id for invoice_id, _ in drafts],
        )
