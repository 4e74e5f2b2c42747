"""SQL for rules. Every statement is scoped by the caller's organization."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

_COLUMNS = (
    "id, org_id, name, trigger_type, filter, channel_ids, enabled, cooldown_seconds, "
    "created_at, updated_at"
)


def _params(org_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "org": org_id, "filter": json.dumps(fields["filter"])}


async def insert(
    session: AsyncSession, org_id: str, request_id: str | None, fields: dict[str, Any]
) -> Row[Any] | None:
    """None when a rule with this request id exists already."""
    result = await session.execute(
        text(
            "INSERT INTO rules (org_id, name, trigger_type, filter, channel_ids, enabled, "
            "cooldown_seconds, request_id) VALUES (:org, :name, :trigger_type, "
            "CAST(:filter AS jsonb), :channel_ids, :enabled, :cooldown_seconds, :rid) "
            "ON CONFLICT (org_id, request_id) WHERE request_id IS NOT NULL DO NOTHING "
            f"RETURNING {_COLUMNS}"
        ),
        {**_params(org_id, fields), "rid": request_id},
    )
    return result.first()


async def by_request(session: AsyncSession, org_id: str, request_id: str) -> Row[Any] | None:
    result = await session.execute(
        text(f"SELECT {_COLUMNS} FROM rules WHERE org_id = :org AND request_id = :rid"),
        {"org": org_id, "rid": request_id},
    )
    return result.first()


async def get(
    session: AsyncSession, org_id: str, rule_id: int, for_update: bool = False
) -> Row[Any] | None:
    lock = " FOR UPDATE" if for_update else ""
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM rules WHERE org_id = :org AND id = :id "
            f"AND deleted_at IS NULL{lock}"
        ),
        {"org": org_id, "id": rule_id},
    )
    return result.first()


async def page(
    session: AsyncSession, org_id: str, trigger: str, after_id: int, limit: int
) -> list[Row[Any]]:
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM rules WHERE org_id = :org AND deleted_at IS NULL "
            "AND id > :after AND (:trigger = '' OR trigger_type = :trigger) ORDER BY id LIMIT :n"
        ),
        {"org": org_id, "after": after_id, "trigger": trigger, "n": limit},
    )
    return list(result.all())


async def update(
    session: AsyncSession, org_id: str, rule_id: int, fields: dict[str, Any]
) -> Row[Any]:
    result = await session.execute(
        text(
            "UPDATE rules SET name = :name, trigger_type = :trigger_type, "
            "filter = CAST(:filter AS jsonb), channel_ids = :channel_ids, enabled = :enabled, "
            "cooldown_seconds = :cooldown_seconds, updated_at = now() "
            f"WHERE org_id = :org AND id = :id RETURNING {_COLUMNS}"
        ),
        {**_params(org_id, fields), "id": rule_id},
    )
    return result.one()


async def soft_delete(session: AsyncSession, org_id: str, rule_id: int) -> bool:
    result = await session.execute(
        text(
            "UPDATE rules SET deleted_at = now() WHERE org_id = :org AND id = :id "
            "AND deleted_at IS NULL RETURNING id"
        ),
        {"org": org_id, "id": rule_id},
    )
    return result.first() is not None


async def matching(session: AsyncSession, org_id: str, trigger: str) -> list[Row[Any]]:
    """The org's enabled rules for a trigger type."""
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM rules WHERE org_id = :org AND trigger_type = :trigger "
            "AND enabled AND deleted_at IS NULL"
        ),
        {"org": org_id, "trigger": trigger},
    )
    return list(result.all())
