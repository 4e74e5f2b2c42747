"""Demo data: the FOCUS sample and 180 days of generated history, seeded idempotently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from demo import ingest as demo
from services.common.server import prepare_database
from services.ingest.repository import accounts

README_TOTAL = Decimal("18.00663861840") + Decimal("1.97651418586") + Decimal("0.53707392473")


@pytest.fixture(scope="module")
async def db(settings):
    database = await prepare_database(settings, "ingest")
    yield database
    await database.dispose()


async def scalar(db, statement: str, **params):
    async with db.transaction() as session:
        return (await session.execute(text(statement), params)).scalar_one()


# Other tests share the run's database and its "default" org, so count only what the seed owns.
DEMO_ACCOUNTS = (
    "SELECT id FROM cloud_accounts WHERE org_id = 'default' AND request_id LIKE 'demo:%'"
)


async def counts(db) -> tuple[int, int, int]:
    return (
        await scalar(db, f"SELECT count(*) FROM ({DEMO_ACCOUNTS}) d"),
        await scalar(
            db,
            f"SELECT count(*) FROM cost_line_items WHERE org_id = 'default' "
            f"AND account_id IN ({DEMO_ACCOUNTS})",
        ),
        await scalar(
            db,
            "SELECT count(*) FROM outbox WHERE subject = 'costgrid.costs.updated.v1' "
            "AND headers->>'Costgrid-Org' = 'default'",
        ),
    )


async def test_demo_seed_fills_the_default_org_once_and_is_idempotent(settings, db):
    await demo.seed(settings)
    first = await counts(db)
    await demo.seed(settings)

    assert await counts(db) == first
    assert first[0] == 1 + len(demo.ACCOUNTS)
    assert first[2] >= first[0]  # each account announced its costs (budgets' read model)


async def test_demo_focus_account_holds_the_sample_totals(settings, db):
    await demo.seed(settings)
    total = await scalar(
        db,
        "SELECT sum(r.amount) FROM daily_rollups r JOIN cloud_accounts a ON a.id = r.account_id "
        "WHERE a.org_id = 'default' AND a.request_id = 'demo:focus-sample'",
    )
    assert total == README_TOTAL


async def test_generated_history_covers_180_days_ending_yesterday_with_weekly_rhythm(settings, db):
    await demo.seed(settings)
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    async with db.transaction() as session:
        rows = (
            await session.execute(
                text(
                    "SELECT r.day, sum(r.amount) FROM daily_rollups r "
                    "JOIN cloud_accounts a ON a.id = r.account_id "
                    "WHERE a.org_id = 'default' AND a.request_id = 'demo:aws-prod' GROUP BY r.day"
                )
            )
        ).all()
        providers = set(
            (
                await session.execute(
                    text(
                        "SELECT DISTINCT provider FROM daily_rollups WHERE org_id = 'default' "
                        f"AND account_id IN ({DEMO_ACCOUNTS})"
                    )
                )
            ).scalars()
        )
    days = {day: amount for day, amount in rows}
    assert min(days) == yesterday - timedelta(days=179) and max(days) == yesterday
    assert len(days) == 180
    weekend = [a for d, a in days.items() if d.weekday() >= 5]
    weekday = [a for d, a in days.items() if d.weekday() < 5]
    assert sum(weekend) / len(weekend) < sum(weekday) / len(weekday)
    ordered = [days[d] for d in sorted(days)]
    growth = sum(ordered[-28:]) / sum(ordered[:28])
    assert Decimal("1.2") < growth < Decimal("2.5")  # months of growth, not years of it
    assert providers == {"AWS", "GCP", "AZURE", "DIGITALOCEAN", "FOCUS_FILE"}


async def test_generated_accounts_are_never_synced(settings, db):
    await demo.seed(settings)
    async with db.transaction() as session:
        syncable = {a.id for a in await accounts.syncable(session, "default")}
        generated = set(
            (
                await session.execute(
                    text(f"{DEMO_ACCOUNTS} AND request_id <> 'demo:focus-sample'")
                )
            ).scalars()
        )
        focus = await scalar(
            db, "SELECT id FROM cloud_accounts WHERE request_id = 'demo:focus-sample'"
        )
    assert len(generated) == len(demo.ACCOUNTS)
    assert not syncable & generated
    assert focus in syncable
