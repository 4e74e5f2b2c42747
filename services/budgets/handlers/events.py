"""Events out through the outbox, with the payload's event_id equal to the Nats-Msg-Id."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.outbox import add_event


async def publish(session: AsyncSession, subject: str, message: Any, org_id: str) -> None:
    event_id = uuid.uuid4()
    message.event_id = str(event_id)
    message.org_id = org_id
    await add_event(session, subject, message, org_id, event_id=event_id)
