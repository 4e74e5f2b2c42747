"""accounts.deleted: the account's spend leaves budgets at once, and a costs.updated of it
that its own consumer delivers later (the subjects have separate consumers) changes nothing."""

from __future__ import annotations

import uuid

from costgrid.ingest.v1 import events_pb2

from services.common.messaging import ACCOUNT_DELETED
from services.common.outbox import EVENT_ORG, EVENT_TYPE, MSG_ID
from tests.integration.budgets.conftest import applied
from tests.integration.budgets.test_read_model import MAY, new_budget, spent


async def delete_account(tenant, account_id: int) -> None:  # type: ignore[no-untyped-def]
    event = events_pb2.CloudAccountDeleted(
        event_id=str(uuid.uuid4()), org_id=tenant.org_id, account_id=account_id
    )
    await tenant.messaging.js.publish(
        tenant.messaging.namespace.subject(ACCOUNT_DELETED),
        event.SerializeToString(),
        headers={
            MSG_ID: event.event_id,
            EVENT_ORG: event.org_id,
            EVENT_TYPE: event.DESCRIPTOR.full_name,
        },
    )
    await applied(tenant.service, event.event_id)


async def test_deleted_account_leaves_the_budget_and_its_late_costs_are_ignored(tenant):
    budget_id = await new_budget(tenant)
    await tenant.send(7, (MAY[0], MAY[-1]), [(d, "DB", "eu", "10") for d in MAY])
    await tenant.send(8, (MAY[0], MAY[-1]), [(d, "DB", "eu", "1") for d in MAY])
    assert await spent(tenant, budget_id) == "55"

    await delete_account(tenant, 7)
    assert await spent(tenant, budget_id) == "5"
    await tenant.send(7, (MAY[0], MAY[-1]), [(d, "DB", "eu", "30") for d in MAY])
    assert await spent(tenant, budget_id) == "5"
