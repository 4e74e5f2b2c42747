"""The gateway's SQL for organizations."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def ensure_org(session: AsyncSession, org_id: str, name: str) -> None:
    await session.execute(
        text("INSERT INTO organizations (id, name) VALUES (:id, :name) ON CONFLICT DO NOTHING"),
        {"id": org_id, "name": name},
    )


async def create_org(session: AsyncSession, org_id: str, name: str) -> bool:
    """False when the id is taken (nothing changed)."""
    row = (
        await session.execute(
            text(
                "INSERT INTO organizations (id, name) VALUES (:id, :name)"
                " ON CONFLICT DO NOTHING RETURNING id"
            ),
            {"id": org_id, "name": name},
        )
    ).first()
    return row is not None
