"""The gateway's SQL for API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.gateway.domain.tokens import TokenRecord

_COLUMNS = "id, org_id, name, role, prefix, created_at, expires_at, revoked_at, last_used_at"


def _record(row: Any) -> TokenRecord:
    return TokenRecord(*row)


async def insert_token(
    session: AsyncSession,
    *,
    org_id: str,
    name: str,
    role: str,
    prefix: str,
    token_hash: bytes,
    request_id: str | None,
    created_by: str,
    expires_at: datetime | None,
) -> TokenRecord | None:
    """None when the hash or the request id is already taken (nothing inserted)."""
    row = (
        await session.execute(
            text(
                "INSERT INTO api_tokens (org_id, name, role, prefix, token_hash, request_id,"
                " created_by, expires_at) VALUES (:org, :name, :role, :prefix, :hash, :rid,"
                f" :by, :exp) ON CONFLICT DO NOTHING RETURNING {_COLUMNS}"
            ),
            {
                "org": org_id,
                "name": name,
                "role": role,
                "prefix": prefix,
                "hash": token_hash,
                "rid": request_id,
                "by": created_by,
                "exp": expires_at,
            },
        )
    ).first()
    return _record(row) if row else None


async def token_by_request(
    session: AsyncSession, org_id: str, request_id: str
) -> TokenRecord | None:
    row = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM api_tokens WHERE org_id = :o AND request_id = :r"),
            {"o": org_id, "r": request_id},
        )
    ).first()
    return _record(row) if row else None


async def token_by_hash(
    session: AsyncSession, token_hash: bytes
) -> tuple[TokenRecord, bytes] | None:
    row = (
        await session.execute(
            text(f"SELECT {_COLUMNS}, token_hash FROM api_tokens WHERE token_hash = :h"),
            {"h": token_hash},
        )
    ).first()
    return (_record(row[:-1]), bytes(row[-1])) if row else None


async def token_by_id(session: AsyncSession, org_id: str, token_id: int) -> TokenRecord | None:
    row = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM api_tokens WHERE org_id = :org AND id = :id"),
            {"org": org_id, "id": token_id},
        )
    ).first()
    return _record(row) if row else None


async def list_tokens(
    session: AsyncSession, org_id: str, after_id: int, limit: int, include_inactive: bool
) -> list[TokenRecord]:
    active = (
        ""
        if include_inactive
        else " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"
    )
    rows = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM api_tokens WHERE org_id = :org AND id > :after{active}"
            " ORDER BY id LIMIT :limit"
        ),
        {"org": org_id, "after": after_id, "limit": limit},
    )
    return [_record(row) for row in rows]


async def revoke_token(session: AsyncSession, org_id: str, token_id: int) -> TokenRecord | None:
    """Keeps the first revocation time: revoking twice changes nothing."""
    row = (
        await session.execute(
            text(
                "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())"
                f" WHERE org_id = :org AND id = :id RETURNING {_COLUMNS}"
            ),
            {"org": org_id, "id": token_id},
        )
    ).first()
    return _record(row) if row else None


async def touch_token(session: AsyncSession, token_id: int) -> None:
    """Records use at most once a minute per token, so reads do not turn into writes."""
    await session.execute(
        text(
            "UPDATE api_tokens SET last_used_at = now() WHERE id = :id AND"
            " (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')"
        ),
        {"id": token_id},
    )
