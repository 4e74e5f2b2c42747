"""Migration 0006 on a schema holding data: FOCUS rollups split by the cloud that billed them,
connector rollups keep their account's type, and the per-account totals follow."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from sqlalchemy import make_url, text

from services.common import migrations
from services.common.db import Database
from services.common.provisioning import ensure_database, ensure_service_schema
from services.common.settings import Settings
from tests.support.infra import drop_run_database

LINE_ITEMS = (
    # account, provider, provider_name, amount
    (1, "FOCUS_FILE", "AWS", "1.25"),
    (1, "FOCUS_FILE", "AWS", "0.75"),
    (1, "FOCUS_FILE", "Microsoft", "3.5"),
    (1, "FOCUS_FILE", "Oracle", "0.125"),
    (2, "AWS", "AWS", "10"),
)


@pytest.fixture
async def db_before(settings: Settings) -> AsyncIterator[Database]:
    """A database of its own, so this run's migrated ingest schema is left alone."""
    run = uuid.uuid4().hex[:10]
    # A new Settings, not model_copy: the copy would keep the run's cached role prefix.
    own = Settings(
        **{
            **settings.model_dump(),
            "database_url": make_url(settings.database_url)
            .set(database=f"costgrid_test_mig_{run}")
            .render_as_string(False),
            "namespace": f"m{run}",
        }
    )
    await ensure_database(own)
    await ensure_service_schema(own, "ingest")
    db = Database.for_service(own, "ingest")
    try:
        await migrations.upgrade(db, "ingest", "0005")
        yield db
    finally:
        await db.dispose()
        await drop_run_database(own)


async def _seed(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(
            text(
                "CREATE TABLE cost_line_items_2024_09 PARTITION OF cost_line_items"
                " FOR VALUES FROM ('2024-09-01') TO ('2024-10-01')"
            )
        )
        for account, provider, name, amount in LINE_ITEMS:
            await session.execute(
                text(
                    "INSERT INTO cost_line_items (org_id, account_id, provider, charge_day,"
                    " charge_period_start, charge_period_end, billed_cost, effective_cost,"
                    " billing_currency, service_name, provider_name) VALUES ('o', :a, :p,"
                    " '2024-09-02', '2024-09-02', '2024-09-03', CAST(:x AS numeric),"
                    " CAST(:x AS numeric), 'USD', 'Compute', :n)"
                ),
                {"a": account, "p": provider, "n": name, "x": amount},
            )
        await session.execute(
            text(
                "INSERT INTO daily_rollups (org_id, account_id, day, provider, service, region,"
                " currency, amount) SELECT org_id, account_id, charge_day, provider,"
                " service_name, region_id, billing_currency, sum(billed_cost)"
                " FROM cost_line_items GROUP BY 1, 2, 3, 4, 5, 6, 7"
            )
        )


async def test_existing_rollups_are_keyed_by_provider_type(db_before: Database) -> None:
    await _seed(db_before)

    await migrations.upgrade(db_before, "ingest")

    async with db_before.transaction() as session:
        rollups = (
            await session.execute(
                text("SELECT account_id, provider_type, amount FROM daily_rollups ORDER BY 1, 2")
            )
        ).all()
        totals = (
            await session.execute(
                text(
                    "SELECT account_id, provider_type, amount, rollups FROM daily_account_totals"
                    " ORDER BY 1, 2"
                )
            )
        ).all()
    assert [tuple(r) for r in rollups] == [
        (1, "aws", Decimal("2.00")),
        (1, "azure", Decimal("3.5")),
        (1, "oracle", Decimal("0.125")),
        (2, "aws", Decimal("10")),
    ]
    assert [tuple(r) for r in totals] == [(*r, 1) for r in rollups]


async def test_totals_keep_following_the_rollups_after_it(db_before: Database) -> None:
    await migrations.upgrade(db_before, "ingest")

    async with db_before.transaction() as session:
        await session.execute(
            text(
                "INSERT INTO daily_rollups (org_id, account_id, day, provider, provider_type,"
                " service, region, currency, amount) VALUES ('o', 1, '2024-09-02', 'FOCUS_FILE',"
                " 'oracle', 'DB', '', 'USD', 2), ('o', 1, '2024-09-02', 'FOCUS_FILE', 'oracle',"
                " 'VM', '', 'USD', 3)"
            )
        )
        totals = (
            await session.execute(
                text("SELECT provider_type, amount, rollups FROM daily_account_totals")
            )
        ).all()
    assert [tuple(r) for r in totals] == [("oracle", Decimal(5), 2)]
