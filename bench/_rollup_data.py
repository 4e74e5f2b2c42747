"""Daily rollups for the query benchmark, generated inside PostgreSQL (generate_series), fast.

An org of `accounts` cloud accounts across five providers and three currencies; each account
spends on 20 of 200 services in 3 of 20 regions every day of `DAYS` days, so the rollups grow
with the accounts: 60 rows per account and day (24,000 per account). Amounts are exact
decimals from integer arithmetic (never a float). Rows are added account range by account
range, each through the real `daily_rollups` table, so its triggers keep
`daily_account_totals` as a sync would; then both are vacuumed (a settled table, as
autovacuum leaves it: index-only scans need the visibility map).
"""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg

DAYS = 400
SERVICES, SERVICES_PER_ACCOUNT = 200, 20
REGIONS, REGIONS_PER_ACCOUNT = 20, 3
ROWS_PER_ACCOUNT = DAYS * SERVICES_PER_ACCOUNT * REGIONS_PER_ACCOUNT
ACCOUNTS_PER_STATEMENT = 20  # ~0.5M rows: the triggers' transition tables stay modest
PROVIDERS = ("AWS", "GCP", "AZURE", "DIGITALOCEAN", "FOCUS_FILE")

_ACCOUNTS = """
    INSERT INTO cloud_accounts (org_id, name, provider)
    SELECT $1, 'bench ' || g, ($2::text[])[g % 5 + 1] FROM generate_series($3::int, $4::int) g"""
_ROLLUPS = f"""
    INSERT INTO daily_rollups
        (org_id, account_id, day, provider, provider_type, service, region, currency, amount)
    SELECT a.org_id, a.id, d.day, a.provider, lower(a.provider),
           'svc-' || lpad(((a.id * 7 + s) % {SERVICES})::text, 3, '0'),
           'region-' || lpad(((a.id * 3 + r) % {REGIONS})::text, 2, '0'),
           (ARRAY['USD', 'USD', 'USD', 'USD', 'USD', 'USD', 'USD', 'USD', 'EUR', 'GBP'])
               [a.id % 10 + 1],
           ((a.id * 7919 + s * 104729 + r * 1299709 + d.n * 31) % 1000003
               * (1000 + d.n))::numeric / 10000000
    FROM cloud_accounts a,
         generate_series(0, {SERVICES_PER_ACCOUNT - 1}) s,
         generate_series(0, {REGIONS_PER_ACCOUNT - 1}) r,
         (SELECT $2::date + n AS day, n FROM generate_series(0, {DAYS - 1}) n) d
    WHERE a.org_id = $1 AND a.name = ANY($3::text[])"""


async def grow(conn: asyncpg.Connection, org: str, have: int, want: int, as_of: date) -> None:
    """Adds accounts have+1..want with their rollups over the DAYS days ending `as_of`."""
    first_day = as_of - timedelta(days=DAYS - 1)
    await conn.execute(_ACCOUNTS, org, list(PROVIDERS), have + 1, want)
    for low in range(have + 1, want + 1, ACCOUNTS_PER_STATEMENT):
        high = min(want, low + ACCOUNTS_PER_STATEMENT - 1)
        names = [f"bench {g}" for g in range(low, high + 1)]
        await conn.execute(_ROLLUPS, org, first_day, names)
    await conn.execute("VACUUM ANALYZE daily_rollups")
    await conn.execute("VACUUM ANALYZE daily_account_totals")
