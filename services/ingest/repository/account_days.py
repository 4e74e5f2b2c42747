"""What an account has stored, day by day, read from its rollups (the demo seed reads them to
find where its generated history stops)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def last_day(session: AsyncSession, org_id: str, account_id: int) -> date | None:
    day: date | None = (
        await session.execute(
            text("SELECT max(day) FROM daily_rollups WHERE org_id = :o AND account_id = :a"),
            {"o": org_id, "a": account_id},
        )
    ).scalar_one()
    return day


async def day_total(session: AsyncSession, org_id: str, account_id: int, day: date) -> Decimal:
    total: Decimal = (
        await session.execute(
            text(
                "SELECT coalesce(sum(amount), 0) FROM daily_rollups "
                "WHERE org_id = :o AND account_id = :a AND day = :d"
            ),
            {"o": org_id, "a": account_id, "d": day},
        )
    ).scalar_one()
    return total
