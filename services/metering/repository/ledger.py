"""SQL for the usage ledger: which event ids are applied, one row per applied batch and period.

Rows are written only under the organization's usage lock, so within an organization `seq`
order is commit order and "rows past the last seq I read" is everything written since.
Ids cannot hold line breaks (`check` allows printable characters only), so a row's ids are
joined by newlines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg


async def since(conn: asyncpg.Connection, org: str, seq: int) -> list[asyncpg.Record]:
    """(seq, period, ids) of rows written after `seq`, in order; period NULL: any period."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT seq, period, ids FROM usage_ledger WHERE org_id = $1 AND seq > $2 ORDER BY seq",
        org,
        seq,
    )
    return rows


async def last_seq(conn: asyncpg.Connection, org: str) -> int:
    seq: int = await conn.fetchval(
        "SELECT coalesce(max(seq), 0) FROM usage_ledger WHERE org_id = $1", org
    )
    return seq


async def period_ids(
    conn: asyncpg.Connection, org: str, period: str, upto: int
) -> AsyncIterator[list[str]]:
    """Every id applied in `period` by rows up to seq `upto` (rows without a period included),
    a row at a time: a period's ids are never all in memory as text at once. Call inside a
    transaction (a cursor)."""
    async for row in conn.cursor(
        "SELECT ids FROM usage_ledger WHERE org_id = $1 AND (period = $2 OR period IS NULL) "
        "AND seq <= $3",
        org,
        period,
        upto,
        prefetch=4,  # a row holds up to a fetch's ids: ~2 MB of text
    ):
        yield row[0].split("\n")


async def count_period_ids(conn: asyncpg.Connection, org: str, period: str, upto: int) -> int:
    """How many ids `period_ids` will yield (read on the server: nothing comes back but this)."""
    count: int = await conn.fetchval(
        "SELECT coalesce(sum(length(ids) - length(replace(ids, E'\\n', '')) + 1), 0)::bigint "
        "FROM usage_ledger WHERE org_id = $1 AND (period = $2 OR period IS NULL) AND seq <= $3",
        org,
        period,
        upto,
    )
    return count


async def append(conn: asyncpg.Connection, org: str, ids: dict[str, list[str]]) -> dict[str, int]:
    """One row per period; returns each period's seq."""
    periods = list(ids)
    rows = await conn.fetch(
        "INSERT INTO usage_ledger (org_id, period, ids) SELECT $1, p, i FROM "
        "unnest($2::text[], $3::text[]) AS t(p, i) RETURNING period, seq",
        org,
        periods,
        ["\n".join(ids[p]) for p in periods],
    )
    return {r[0]: r[1] for r in rows}


async def forget_closed(conn: asyncpg.Connection, org: str, period: str, end: int) -> None:
    """Drops the ids of `period` once it is closed for every tenant that had a plan in it
    (every tenant with a plan window starting before `end`): no event of that period can be
    accepted again, so no id of it needs checking. Run in the transaction that closes it."""
    await conn.execute(
        "DELETE FROM usage_ledger WHERE org_id = $1 AND period = $2 AND NOT EXISTS ("
        " SELECT 1 FROM plan_windows w WHERE w.org_id = $1 AND w.start_at < $3 AND NOT EXISTS ("
        "  SELECT 1 FROM statements s WHERE s.org_id = $1 AND s.tenant_id = w.tenant_id"
        "  AND s.period = $2))",
        org,
        period,
        end,
    )
