"""SQL for usage: id de-duplication, allocation history and state, and the running aggregates.

Writes are one statement per table per batch (`unnest` of arrays), so a fetched batch of
thousands of events costs a handful of round trips.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import asyncpg

from services.metering.domain.allocations import Change, Point

Key = tuple[str, str, str]  # tenant, cluster, meter


async def tenant_terms(
    conn: asyncpg.Connection, org: str, tenant_ids: list[str]
) -> list[asyncpg.Record]:
    """Per existing tenant: plan-window starts and closed periods."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT t.tenant_id, t.overage_policy, "
        "array(SELECT start_at FROM plan_windows w WHERE w.org_id = t.org_id "
        "      AND w.tenant_id = t.tenant_id ORDER BY start_at) AS starts, "
        "array(SELECT period FROM statements s WHERE s.org_id = t.org_id "
        "      AND s.tenant_id = t.tenant_id) AS closed "
        "FROM tenants t WHERE t.org_id = $1 AND t.tenant_id = ANY($2::text[])",
        org,
        tenant_ids,
    )
    return rows


def text_array(values: Sequence[str | None]) -> str:
    """A PostgreSQL array literal, sent as one text parameter and cast in SQL.

    asyncpg checks every element of an array parameter in Python, which costs more than the
    insert itself at thousands of events per batch; PostgreSQL parses the literal in C.
    """
    return "{" + ",".join("NULL" if v is None else _quoted(v) for v in values) + "}"


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


async def add_chunks(conn: asyncpg.Connection, org: str, changes: dict[Key, list[Point]]) -> None:
    """The batch's new changes: one history chunk per (tenant, cluster, meter), sorted."""
    keys = list(changes)
    groups = list(changes.values())
    await conn.execute(
        "INSERT INTO allocation_chunks (org_id, tenant_id, cluster_id, meter, first_at, last_at, "
        "changes) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], "
        "$6::bigint[], $7::text[])",
        org,
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [g[0][0] for g in groups],
        [g[-1][0] for g in groups],
        ["\n".join([f"{at}\t{i}\t{_text(q)}" for at, i, q in g]) for g in groups],
    )


# Formatting a Decimal costs more than the rest of a chunk line. Ingest hands over the same
# few quantity objects (domain.usage caches them by their text), so keep each one's text,
# keyed by identity: equal values with other exponents ("1" and "1.0") keep their own digits.
_TEXTS: dict[int, tuple[Decimal, str]] = {}


def _text(quantity: Decimal) -> str:
    known = _TEXTS.get(id(quantity))
    if known is not None and known[0] is quantity:
        return known[1]
    if len(_TEXTS) >= 65_536:
        _TEXTS.clear()
    text = str(quantity)
    _TEXTS[id(quantity)] = (quantity, text)  # holding the object keeps its id unique
    return text


async def states(conn: asyncpg.Connection, org: str, keys: Iterable[Key]) -> dict[Key, Change]:
    tenants, clusters, meters = _columns(keys)
    rows = await conn.fetch(
        "SELECT s.tenant_id, s.cluster_id, s.meter, s.last_at, s.last_id, s.last_quantity "
        "FROM allocation_state s JOIN unnest($2::text[], $3::text[], $4::text[]) AS k(t, c, m) "
        "ON s.tenant_id = k.t AND s.cluster_id = k.c AND s.meter = k.m WHERE s.org_id = $1",
        org,
        tenants,
        clusters,
        meters,
    )
    return {(r[0], r[1], r[2]): Change(r[3], r[4], r[5]) for r in rows}


async def history_from(
    conn: asyncpg.Connection, org: str, key: Key, first: Point, before: int | None = None
) -> list[Change]:
    """Stored changes from the predecessor of `first` on (up to `before` when given), sorted.

    The chunks holding changes at or after first.at, plus the chunk(s) that end last before
    it: the predecessor is the latest change of those.
    """
    rows = await conn.fetch(
        "SELECT changes FROM allocation_chunks WHERE org_id = $1 AND tenant_id = $2 "
        "AND cluster_id = $3 AND meter = $4 AND ($6::bigint IS NULL OR first_at < $6) "
        "AND last_at >= (SELECT coalesce(max(last_at), $5) FROM allocation_chunks "
        "  WHERE org_id = $1 AND tenant_id = $2 AND cluster_id = $3 AND meter = $4 "
        "  AND last_at < $5)",
        org,
        *key,
        first[0],
        before,
    )
    points = sorted(change for row in rows for change in _changes(row[0]))
    start = 0
    for i, point in enumerate(points):
        if point[:2] < first[:2]:
            start = i
        else:
            break
    return [p for p in points[start:] if before is None or p.at < before]


async def forget_history_before(
    conn: asyncpg.Connection, org: str, tenant_id: str, closed_until: int
) -> None:
    """Drops the tenant's history chunks no late change can need once everything before
    `closed_until` is closed: changes are only read from a time at or after it (`history_from`:
    the chunks ending at or after that time, plus those ending last before it), so of the
    chunks ending before it, each key keeps only the ones ending last."""
    await conn.execute(
        "DELETE FROM allocation_chunks c WHERE c.org_id = $1 AND c.tenant_id = $2 "
        "AND c.last_at < (SELECT max(n.last_at) FROM allocation_chunks n WHERE n.org_id = $1 "
        "  AND n.tenant_id = $2 AND n.cluster_id = c.cluster_id AND n.meter = c.meter "
        "  AND n.last_at < $3)",
        org,
        tenant_id,
        closed_until,
    )


def _changes(text: str) -> list[Change]:
    out = []
    for line in text.split("\n"):
        at, event_id, quantity = line.split("\t")
        out.append(Change(int(at), event_id, Decimal(quantity)))
    return out


async def tenant_states(conn: asyncpg.Connection, org: str, tenant_id: str) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT cluster_id, meter, last_at, last_id, last_quantity FROM allocation_state "
        "WHERE org_id = $1 AND tenant_id = $2",
        org,
        tenant_id,
    )
    return rows


async def save_states(conn: asyncpg.Connection, org: str, latest: dict[Key, Change]) -> None:
    tenants, clusters, meters = _columns(latest)
    await conn.execute(
        "INSERT INTO allocation_state (org_id, tenant_id, cluster_id, meter, last_at, last_id, "
        "last_quantity) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], "
        "$5::bigint[], $6::text[], $7::text[]::numeric[]) ON CONFLICT (org_id, tenant_id, cluster_id, "
        "meter) DO UPDATE SET last_at = excluded.last_at, last_id = excluded.last_id, "
        "last_quantity = excluded.last_quantity",
        org,
        tenants,
        clusters,
        meters,
        [c.at for c in latest.values()],
        [c.id for c in latest.values()],
        [str(c.quantity) for c in latest.values()],
    )


async def add_segments(
    conn: asyncpg.Connection, org: str, deltas: dict[tuple[str, int, str, str], Decimal]
) -> None:
    """deltas: (tenant, segment start, meter, cluster) -> quantity-seconds to add."""
    keys = list(deltas)
    await conn.execute(
        "INSERT INTO allocation_segments AS s (org_id, tenant_id, seg_start, meter, cluster_id, "
        "quantity_seconds) SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[], "
        "$5::text[], $6::text[]::numeric[]) ON CONFLICT (org_id, tenant_id, seg_start, meter, cluster_id) "
        "DO UPDATE SET quantity_seconds = s.quantity_seconds + excluded.quantity_seconds",
        org,
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [k[3] for k in keys],
        [str(v) for v in deltas.values()],
    )


async def segment_value(conn: asyncpg.Connection, org: str, key: Key, seg: int) -> Decimal:
    value: Decimal = await conn.fetchval(
        "SELECT coalesce(sum(quantity_seconds), 0) FROM allocation_segments WHERE org_id = $1 "
        "AND tenant_id = $2 AND cluster_id = $3 AND meter = $4 AND seg_start = $5",
        org,
        *key,
        seg,
    )
    return value


async def move_segment(
    conn: asyncpg.Connection,
    org: str,
    tenant_id: str,
    key: tuple[str, str],
    moves: tuple[int, int, Decimal],
) -> None:
    """Moves quantity-seconds from one segment to a new one (a plan change splits a day)."""
    meter, cluster = key
    source, target, amount = moves
    await conn.execute(
        "UPDATE allocation_segments SET quantity_seconds = quantity_seconds - $6 "
        "WHERE org_id = $1 AND tenant_id = $2 AND seg_start = $3 AND meter = $4 AND cluster_id = $5",
        org,
        tenant_id,
        source,
        meter,
        cluster,
        amount,
    )
    await add_segments(conn, org, {(tenant_id, target, meter, cluster): amount})


async def add_logs(
    conn: asyncpg.Connection, org: str, logs: dict[tuple[str, int, str], Decimal]
) -> None:
    keys = list(logs)
    await conn.execute(
        "INSERT INTO log_days AS l (org_id, tenant_id, day, cluster_id, bytes) SELECT $1, * FROM "
        "unnest($2::text[], $3::bigint[], $4::text[], $5::text[]::numeric[]) ON CONFLICT (org_id, "
        "tenant_id, day, cluster_id) DO UPDATE SET bytes = l.bytes + excluded.bytes",
        org,
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [str(v) for v in logs.values()],
    )


async def add_histogram(
    conn: asyncpg.Connection, org: str, counts: dict[tuple[str, str, str, Decimal], int]
) -> None:
    keys = list(counts)
    await conn.execute(
        "INSERT INTO series_histogram AS h (org_id, tenant_id, period, cluster_id, value, samples) "
        "SELECT $1, * FROM unnest($2::text::text[], $3::text::text[], $4::text::text[], "
        "$5::text::numeric[], $6::text::bigint[]) ON CONFLICT (org_id, tenant_id, period, "
        "cluster_id, value) DO UPDATE SET samples = h.samples + excluded.samples",
        org,
        text_array([k[0] for k in keys]),
        text_array([k[1] for k in keys]),
        text_array([k[2] for k in keys]),
        text_array([str(k[3]) for k in keys]),
        text_array([str(n) for n in counts.values()]),
    )


async def add_series_counts(
    conn: asyncpg.Connection, org: str, counts: dict[tuple[str, str, str, Decimal], int]
) -> None:
    totals: dict[tuple[str, str, str], int] = {}
    for tenant, period, cluster, _ in counts:
        totals[tenant, period, cluster] = 0
    for (tenant, period, cluster, _), n in counts.items():
        totals[tenant, period, cluster] += n
    keys = list(totals)
    await conn.execute(
        "INSERT INTO series_counts AS c (org_id, tenant_id, period, cluster_id, samples) "
        "SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) "
        "ON CONFLICT (org_id, tenant_id, period, cluster_id) "
        "DO UPDATE SET samples = c.samples + excluded.samples",
        org,
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        list(totals.values()),
    )


async def add_peaks(
    conn: asyncpg.Connection, org: str, peaks: dict[tuple[str, int, str], Decimal]
) -> None:
    keys = list(peaks)
    await conn.execute(
        "INSERT INTO series_peaks AS p (org_id, tenant_id, day, cluster_id, peak) SELECT $1, * "
        "FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[]::numeric[]) ON CONFLICT (org_id, "
        "tenant_id, day, cluster_id) DO UPDATE SET peak = greatest(p.peak, excluded.peak)",
        org,
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [str(v) for v in peaks.values()],
    )


def _columns(keys: Iterable[Key]) -> tuple[list[str], list[str], list[str]]:
    keys = list(keys)
    return [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]
