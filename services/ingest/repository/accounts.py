"""Every SQL statement about cloud accounts. Each is scoped by org; deleted rows are invisible."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.domain.sync_skips import partition

_COLUMNS = (
    "id, org_id, name, provider, settings, credentials_sealed, endpoint, active, demo, "
    "request_id, created_at, updated_at, last_synced_at, deleted_at, archived_at"
)


@dataclass(frozen=True)
class AccountRow:
    id: int
    org_id: str
    name: str
    provider: str
    settings: dict[str, Any]
    credentials_sealed: str | None
    endpoint: str
    active: bool
    demo: bool
    request_id: str | None
    created_at: datetime
    updated_at: datetime
    last_synced_at: datetime | None
    deleted_at: datetime | None
    archived_at: datetime | None = None

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_sealed)

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


def _row(r: Any) -> AccountRow:
    return AccountRow(
        id=r.id,
        org_id=r.org_id,
        name=r.name,
        provider=r.provider,
        settings=dict(r.settings or {}),
        credentials_sealed=r.credentials_sealed,
        endpoint=r.endpoint or "",
        active=r.active,
        demo=r.demo,
        request_id=r.request_id,
        created_at=r.created_at,
        updated_at=r.updated_at,
        last_synced_at=r.last_synced_at,
        deleted_at=r.deleted_at,
        archived_at=r.archived_at,
    )


async def by_request(session: AsyncSession, org_id: str, request_id: str) -> AccountRow | None:
    r = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM cloud_accounts WHERE org_id = :o AND request_id = :r"),
            {"o": org_id, "r": request_id},
        )
    ).first()
    return _row(r) if r else None


async def insert(
    session: AsyncSession,
    org_id: str,
    name: str,
    provider: str,
    settings: Mapping[str, Any],
    endpoint: str,
    active: bool,
    request_id: str | None,
    demo: bool = False,
) -> int | None:
    """The new id, or None when a concurrent create with the same request_id won."""
    return (
        await session.execute(
            text(
                "INSERT INTO cloud_accounts (org_id, name, provider, settings, endpoint, active, "
                "request_id, demo) VALUES (:o, :n, :p, CAST(:s AS jsonb), :e, :a, :r, :d) "
                "ON CONFLICT (org_id, request_id) WHERE request_id IS NOT NULL DO NOTHING "
                "RETURNING id"
            ),
            {
                "o": org_id,
                "n": name,
                "p": provider,
                "s": json.dumps(dict(settings)),
                "e": endpoint or None,
                "a": active,
                "r": request_id,
                "d": demo,
            },
        )
    ).scalar_one_or_none()


async def get(
    session: AsyncSession,
    org_id: str,
    account_id: int,
    for_update: bool = False,
    include_deleted: bool = False,
) -> AccountRow | None:
    lock = " FOR UPDATE" if for_update else ""
    live = "" if include_deleted else " AND deleted_at IS NULL"
    r = (
        await session.execute(
            text(
                f"SELECT {_COLUMNS} FROM cloud_accounts WHERE org_id = :o AND id = :i{live}{lock}"
            ),
            {"o": org_id, "i": account_id},
        )
    ).first()
    return _row(r) if r else None


async def page(
    session: AsyncSession,
    org_id: str,
    after_id: int,
    limit: int,
    provider: str | None,
    active_only: bool,
) -> list[AccountRow]:
    filters = ["org_id = :o", "deleted_at IS NULL", "id > :after"]
    if provider:
        filters.append("provider = :p")
    if active_only:
        filters.append("active")
    rows = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM cloud_accounts WHERE {' AND '.join(filters)} "
            "ORDER BY id LIMIT :n"
        ),
        {"o": org_id, "after": after_id, "p": provider, "n": limit},
    )
    return [_row(r) for r in rows]


async def live(session: AsyncSession, org_id: str) -> list[AccountRow]:
    """Every account not deleted (archived, inactive and demo ones included), by id."""
    rows = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM cloud_accounts WHERE org_id = :o AND deleted_at IS NULL "
            "ORDER BY id"
        ),
        {"o": org_id},
    )
    return [_row(r) for r in rows]


async def syncable(session: AsyncSession, org_id: str) -> list[AccountRow]:
    """What a sync of every account syncs (see domain.sync_skips for what it leaves out)."""
    return partition(await live(session, org_id))[0]


async def update(session: AsyncSession, account_id: int, values: Mapping[str, Any]) -> None:
    """`values` keys are column names from a fixed set chosen by the handler."""
    sets: list[str] = []
    params: dict[str, Any] = {"i": account_id}
    for column, value in values.items():
        if column == "settings":
            sets.append("settings = CAST(:settings AS jsonb)")
            params["settings"] = json.dumps(dict(value))
        else:
            sets.append(f"{column} = :{column}")
            params[column] = value
    sets.append("updated_at = now()")
    await session.execute(
        text(f"UPDATE cloud_accounts SET {', '.join(sets)} WHERE id = :i"), params
    )


async def set_credentials(session: AsyncSession, account_id: int, sealed: str | None) -> None:
    await session.execute(
        text("UPDATE cloud_accounts SET credentials_sealed = :c WHERE id = :i"),
        {"c": sealed, "i": account_id},
    )


async def soft_delete(session: AsyncSession, org_id: str, account_id: int) -> bool:
    """The row stays (past sync jobs name it; ids are never reused); credentials go for good.
    Its costs are removed by `delete_costs`."""
    result = await session.execute(
        text(
            "UPDATE cloud_accounts SET deleted_at = now(), active = false, "
            "credentials_sealed = NULL, updated_at = now() "
            "WHERE org_id = :o AND id = :i AND deleted_at IS NULL RETURNING id"
        ),
        {"o": org_id, "i": account_id},
    )
    return result.first() is not None


async def delete_costs(session: AsyncSession, org_id: str, account_id: int) -> None:
    """Every line item and rollup of the account (daily_account_totals follows by trigger)."""
    for table in ("cost_line_items", "daily_rollups", "daily_tag_rollups"):
        await session.execute(
            text(f"DELETE FROM {table} WHERE org_id = :o AND account_id = :i"),
            {"o": org_id, "i": account_id},
        )


async def archive(session: AsyncSession, org_id: str, account_id: int) -> None:
    """Never synced again, so the credentials have no use left; the costs stay."""
    await session.execute(
        text(
            "UPDATE cloud_accounts SET archived_at = coalesce(archived_at, now()), active = false, "
            "credentials_sealed = NULL, updated_at = now() WHERE org_id = :o AND id = :i"
        ),
        {"o": org_id, "i": account_id},
    )


async def mark_synced(session: AsyncSession, account_id: int) -> None:
    await session.execute(
        text("UPDATE cloud_accounts SET last_synced_at = now() WHERE id = :i"), {"i": account_id}
    )


async def orgs_with_syncable_accounts(session: AsyncSession) -> list[str]:
    rows = await session.execute(
        text(
            "SELECT DISTINCT org_id FROM cloud_accounts "
            "WHERE deleted_at IS NULL AND archived_at IS NULL AND active AND NOT demo "
            "ORDER BY org_id"
        )
    )
    return [r.org_id for r in rows]
