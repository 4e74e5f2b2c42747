"""The per-currency, per-service and per-region daily totals behind grouped trends never drift
from the line items: after syncs of two accounts at once, a re-sync that drops rows and an
account's deletion, each table equals a GROUP BY of the line items, nothing doubled, no group
left behind (not even as a zero)."""

from __future__ import annotations

import asyncio
import shutil

import pytest
from costgrid.ingest.v1 import service_pb2 as pb
from sqlalchemy import text

from services.common.caller import Caller
from tests.integration.ingest.test_sync import SAMPLE, SAMPLE_LINES, focus_account, sync
from tests.support.infra import focus_folder
from tests.support.ingest_service import Client, new_org, running_ingest

# table -> (its key columns, the line items' columns they come from)
TABLES = {
    "daily_currency_totals": ("currency", "billing_currency"),
    "daily_service_totals": ("currency, service", "billing_currency, service_name"),
    "daily_region_totals": ("currency, region", "billing_currency, region_id"),
}


@pytest.fixture(scope="module")
async def service(settings):
    async with running_ingest(settings) as running:
        yield running


@pytest.fixture
async def admin(service, settings):
    client = Client(service.address, settings, Caller(new_org(), "admin", "alice"))
    yield client
    await client.close()


async def kept_and_fresh(service, org_id: str) -> dict[str, tuple[list, list]]:
    """Per table: (its rows, the same sums from the line items), both sorted."""
    tables = {}
    async with service.runtime.db.transaction() as session:
        for table, (key, source) in TABLES.items():
            kept = await session.execute(
                text(f"SELECT day, {key}, amount FROM {table} WHERE org_id = :o ORDER BY 1, 2, 3"),
                {"o": org_id},
            )
            fresh = await session.execute(
                text(
                    f"SELECT charge_day, {source}, sum(billed_cost) FROM cost_line_items"
                    f" WHERE org_id = :o GROUP BY charge_day, {source} ORDER BY 1, 2, 3"
                ),
                {"o": org_id},
            )
            tables[table] = ([tuple(r) for r in kept], [tuple(r) for r in fresh])
    return tables


def assert_no_drift(tables: dict[str, tuple[list, list]]) -> None:
    for table, (kept, fresh) in tables.items():
        assert kept == fresh, table


async def test_totals_follow_syncs_resyncs_and_a_deletion(service, admin):
    folder = focus_folder(admin.org_id)
    export = folder / "export.csv"
    shutil.copy(SAMPLE, export)
    half = folder / "half.csv"
    await asyncio.to_thread(half.write_text, "".join(SAMPLE_LINES[:500]))
    whole = await focus_account(admin, export, "whole")
    partial = await focus_account(admin, half, "half")

    both = await sync(admin, whole, partial)  # one task per account, run side by side
    assert both.status == pb.SYNC_JOB_STATUS_SUCCEEDED
    synced = await kept_and_fresh(service, admin.org_id)
    assert_no_drift(synced)
    assert synced["daily_currency_totals"][0]  # the sample's days are there

    again = await sync(admin, whole, partial)
    assert again.status == pb.SYNC_JOB_STATUS_SUCCEEDED
    assert await kept_and_fresh(service, admin.org_id) == synced  # nothing doubled

    kept = [SAMPLE_LINES[0], *(line for line in SAMPLE_LINES[1:] if ',"Oracle",' not in line)]
    await asyncio.to_thread(export.write_text, "".join(kept))
    assert (await sync(admin, whole)).status == pb.SYNC_JOB_STATUS_SUCCEEDED
    dropped = await kept_and_fresh(service, admin.org_id)
    assert_no_drift(dropped)
    assert dropped != synced

    await admin.accounts.DeleteCloudAccount(pb.DeleteCloudAccountRequest(account_id=whole))
    await admin.accounts.DeleteCloudAccount(pb.DeleteCloudAccountRequest(account_id=partial))
    assert await kept_and_fresh(service, admin.org_id) == {t: ([], []) for t in TABLES}
