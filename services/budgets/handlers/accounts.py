"""accounts.deleted: the account's spend leaves the read model and its anomalies go, so no
budget, forecast or anomaly counts it; budgets covering it are judged again. The account is
remembered as deleted, so a costs.updated of it arriving later changes nothing. Runs inside
the inbox transaction, so a redelivery changes nothing either."""

from __future__ import annotations

from datetime import date

from costgrid.ingest.v1 import events_pb2 as ingest_events
from sqlalchemy.ext.asyncio import AsyncSession

from services.budgets.handlers.alerts import evaluate
from services.budgets.repository import anomalies, budgets, costs
from services.common.inbox import Event
from services.common.logging import get_logger

log = get_logger(__name__)


async def on_account_deleted(session: AsyncSession, event: Event, today: date) -> None:
    message = event.parse(ingest_events.CloudAccountDeleted)
    org_id = message.org_id or event.org_id
    account, provider = message.account_id, int(message.provider)
    span = await costs.mark_deleted(session, org_id, account, message.account_name, provider)
    removed = await anomalies.delete_account(session, org_id, account)
    log.info("account_deleted.applied", account_id=account, anomalies_removed=removed)
    if span is None:
        return
    for budget in await budgets.covering(session, org_id, account, provider):
        await evaluate(session, org_id, budget, today, span)
