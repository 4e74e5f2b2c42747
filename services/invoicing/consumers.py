"""Event subscriptions of the invoicing service: metering's closed periods become issued
invoices; a deleted cloud account's drafts are removed."""

from __future__ import annotations

from services.common.inbox import Subscription
from services.common.messaging import ACCOUNT_DELETED, PERIOD_CLOSED
from services.invoicing.deps import Deps
from services.invoicing.handlers.deleted_accounts import on_account_deleted
from services.invoicing.handlers.metering_statements import period_closed_handler

PERIOD_CLOSED_DURABLE = "invoicing-period-closed"
ACCOUNT_DELETED_DURABLE = "invoicing-account-deleted"


def subscriptions(deps: Deps) -> list[Subscription]:
    return [
        Subscription(PERIOD_CLOSED_DURABLE, PERIOD_CLOSED, period_closed_handler(deps)),
        Subscription(ACCOUNT_DELETED_DURABLE, ACCOUNT_DELETED, on_account_deleted),
    ]
