"""SQL for channels. Every statement is scoped by the caller's organization."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

_COLUMNS = "id, org_id, name, type, config, secrets_sealed, created_at, updated_at"


async def next_id(session: AsyncSession) -> int:
    # Taken before the insert so the sealed secrets can be bound to the channel's id.
    result = await session.execute(text("SELECT nextval(pg_get_serial_sequence('channels', 'id'))"))
    return int(result.scalar_one())


async def insert(
    session: AsyncSession,
    channel_id: int,
    org_id: str,
    name: str,
    kind: str,
    config: dict[str, Any],
    sealed: str,
    request_id: str | None,
) -> Row[Any] | None:
    """None when a channel with this request id exists already."""
    result = await session.execute(
        text(
            "INSERT INTO channels (id, org_id, name, type, config, secrets_sealed, request_id) "
            "VALUES (:id, :org, :name, :type, CAST(:config AS jsonb), :sealed, :rid) "
            "ON CONFLICT (org_id, request_id) WHERE request_id IS NOT NULL DO NOTHING "
            f"RETURNING {_COLUMNS}"
        ),
        {
            "id": channel_id,
            "org": org_id,
            "name": name,
            "type": kind,
            "config": json.dumps(config),
            "sealed": sealed,
            "rid": request_id,
        },
    )
    return result.first()


async def by_request(session: AsyncSession, org_id: str, request_id: str) -> Row[Any] | None:
    result = await session.execute(
        text(f"SELECT {_COLUMNS} FROM channels WHERE org_id = :org AND request_id = :rid"),
        {"org": org_id, "rid": request_id},
    )
    return result.first()


async def get(
    session: AsyncSession, org_id: str, channel_id: int, for_update: bool = False
) -> Row[Any] | None:
    lock = " FOR UPDATE" if for_update else ""
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM channels WHERE org_id = :org AND id = :id "
            f"AND deleted_at IS NULL{lock}"
        ),
        {"org": org_id, "id": channel_id},
    )
    return result.first()


async def page(
    session: AsyncSession, org_id: str, kind: str, after_id: int, limit: int
) -> list[Row[Any]]:
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM channels WHERE org_id = :org AND deleted_at IS NULL "
            "AND id > :after AND (:type = '' OR type = :type) ORDER BY id LIMIT :n"
        ),
        {"org": org_id, "after": after_id, "type": kind, "n": limit},
    )
    return list(result.all())


async def update(
    session: AsyncSession,
    org_id: str,
    channel_id: int,
    name: str,
    config: dict[str, Any],
    sealed: str,
) -> Row[Any]:
    result = await session.execute(
        text(
            "UPDATE channels SET name = :name, config = CAST(:config AS jsonb), "
            "secrets_sealed = :sealed, updated_at = now() "
            f"WHERE org_id = :org AND id = :id RETURNING {_COLUMNS}"
        ),
        {
            "org": org_id,
            "id": channel_id,
            "name": name,
            "config": json.dumps(config),
            "sealed": sealed,
        },
    )
    return result.one()


async def soft_delete(session: AsyncSession, org_id: str, channel_id: int) -> bool:
    """Kept as a row so past deliveries still name it; pending ones fail at send time."""
    result = await session.execute(
        text(
            "UPDATE channels SET deleted_at = now() WHERE org_id = :org AND id = :id "
            "AND deleted_at IS NULL RETURNING id"
        ),
        {"org": org_id, "id": channel_id},
    )
    return result.first() is not None


async def live_types(session: AsyncSession, org_id: str, ids: list[int]) -> dict[int, str]:
    """Type of each listed channel that exists in the org and is not deleted."""
    result = await session.execute(
        text(
            "SELECT id, type FROM channels WHERE org_id = :org AND id = ANY(:ids) "
            "AND deleted_at IS NULL"
        ),
        {"org": org_id, "ids": ids},
    )
    return {int(row.id): str(row.type) for row in result.all()}
