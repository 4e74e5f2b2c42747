"""End to end through the gateway: cloud accounts' lives (demo, archived, deleted), what a
sync of every account leaves out, historical invoices from the first month with cost, and
DigitalOcean charge categories. DigitalOcean accounts point at the local fake of its API."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from services.common.settings import Settings
from services.ingest.connectors.base import AccountConfig
from services.ingest.connectors.digitalocean import DigitalOceanConnector
from services.ingest.domain.cost_items import DateWindow
from services.ingest.repository import accounts
from services.ingest.sync import runner as sync_runner
from tests.fakes.digitalocean_fake import DigitalOceanFake
from tests.support.gateway_stack import Stack, gateway_stack

TOKEN = "do-e2e-token"
TODAY = datetime.now(UTC).date()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - timedelta(days=1)).replace(day=1)
OLD_MONTH = date(2024, 6, 1)  # far more than 12 months back


def _item(product: str, amount: str, start: date, end: date, **extra: str) -> dict[str, Any]:
    return {
        "product": product,
        "amount": amount,
        "start_time": f"{start.isoformat()}T00:00:00Z",
        "end_time": f"{end.isoformat()}T00:00:00Z",
        "description": extra.get("description", f"{product} usage"),
        "group_description": "",
        "duration": "1",
        "duration_unit": "Hours",
        "resource_uuid": "",
        "resource_id": "",
        "project_name": "",
        **({"category": extra["category"]} if "category" in extra else {}),
    }


@pytest.fixture(scope="module")
def fake() -> Iterator[DigitalOceanFake]:
    """Last month invoiced (droplets, taxes, a credit), this month's preview (droplets, one
    a day up to today), and an invoice of June 2024."""
    with DigitalOceanFake(TOKEN) as server:
        server.add_invoice(
            "inv-last",
            f"{LAST_MONTH:%Y-%m}",
            [
                _item("Droplets", "30.00", LAST_MONTH, THIS_MONTH),
                _item("Taxes", "3.00", LAST_MONTH, THIS_MONTH, category="taxes"),
                _item("Credits", "-0.30", LAST_MONTH, THIS_MONTH, description="Promo credit"),
            ],
        )
        server.add_invoice(
            "inv-old", "2024-06", [_item("Droplets", "50.00", OLD_MONTH, date(2024, 7, 1))]
        )
        days = (TODAY - THIS_MONTH).days
        server.set_preview(
            f"{THIS_MONTH:%Y-%m}",
            [_item("Droplets", f"{days}.00", THIS_MONTH, TODAY)] if days else [],
        )
        yield server


@pytest.fixture(scope="module")
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async with gateway_stack(settings) as running:
        yield running


@dataclass(frozen=True)
class Tenant:
    org: str
    http: httpx.AsyncClient


@pytest.fixture
async def tenant(stack: Stack) -> Tenant:
    """An admin of an organization of its own, so other tests' accounts never show."""
    org = f"acc-{uuid.uuid4().hex[:8]}"
    return Tenant(org, stack.http(await stack.create_token(org, "admin")))


async def _connect(http: httpx.AsyncClient, fake: DigitalOceanFake, name: str) -> int:
    body = {
        "cloud_account": {
            "name": name,
            "provider": "digitalocean",
            "settings": {"digitalocean": {}},
            "endpoint": fake.url,
        },
        "credentials": {"digitalocean": {"token": TOKEN}},
    }
    response = await http.post("/api/v1/cloud-accounts", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _sync(http: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    started = await http.post("/api/v1/costs/sync", json=body)
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    for _ in range(300):
        job = (await http.get(f"/api/v1/costs/sync/{job_id}")).json()
        if job["status"] != "running":
            return {"started": started.json(), "job": job}
        await asyncio.sleep(0.1)
    raise AssertionError(f"sync job {job_id} still running: {job}")


async def _eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(100):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def _overview_accounts(overview: dict[str, Any]) -> dict[int, tuple[str, Decimal]]:
    return {
        p["provider_id"]: (p["name"], Decimal(str(p["amount"]))) for p in overview["by_provider"]
    }


async def test_digitalocean_taxes_are_tax_and_credits_are_credit(
    stack: Stack, fake: DigitalOceanFake, tenant: Tenant
) -> None:
    admin = tenant.http
    account = await _connect(admin, fake, "do-categories")
    done = await _sync(admin, {"account_ids": [account], "days_back": 10})
    assert done["job"]["status"] == "succeeded", done

    async with stack.services["ingest"].runtime.db.transaction() as session:
        rows = await session.execute(
            text(
                "SELECT DISTINCT service_name, charge_category FROM cost_line_items "
                "WHERE account_id = :a"
            ),
            {"a": account},
        )
        categories = dict(rows.all())
    assert categories == {"Droplets": "Usage", "Taxes": "Tax", "Credits": "Credit"}


async def test_sync_of_every_account_says_which_it_skipped_and_why(
    stack: Stack, fake: DigitalOceanFake, tenant: Tenant
) -> None:
    admin = tenant.http
    synced = await _connect(admin, fake, "do-live")
    archived = await _connect(admin, fake, "do-archived")
    inactive = await _connect(admin, fake, "do-inactive")
    async with stack.services["ingest"].runtime.db.transaction() as session:
        # As the demo seed makes them (demo/ingest.py).
        demo = await accounts.insert(
            session, tenant.org, "generated", "AWS", {}, "", True, f"demo:{uuid.uuid4()}", True
        )
    assert (await admin.post(f"/api/v1/cloud-accounts/{archived}/archive", json={})).is_success
    patched = await admin.patch(f"/api/v1/cloud-accounts/{inactive}", json={"active": False})
    assert patched.status_code == 200, patched.text

    shown = (await admin.get(f"/api/v1/cloud-accounts/{demo}")).json()
    assert shown["demo"] is True
    assert (await admin.get(f"/api/v1/cloud-accounts/{synced}")).json()["demo"] is False
    done = await _sync(admin, {})

    expected = [
        {"account_id": archived, "account_name": "do-archived", "reason": "archived"},
        {"account_id": inactive, "account_name": "do-inactive", "reason": "inactive"},
        {"account_id": demo, "account_name": "generated", "reason": "demo"},
    ]
    assert done["started"]["skipped"] == expected
    assert done["job"]["skipped"] == expected
    assert [t["account_id"] for t in done["job"]["tasks"]] == [synced]


async def test_deleted_account_stops_counting_everywhere_but_issued_invoices(
    stack: Stack, fake: DigitalOceanFake, tenant: Tenant
) -> None:
    admin = tenant.http
    doomed = await _connect(admin, fake, "do-doomed")
    kept = await _connect(admin, fake, "do-kept")
    assert (await _sync(admin, {"account_ids": [doomed, kept], "days_back": 10}))["job"][
        "status"
    ] == "succeeded"
    budget = await admin.post(
        "/api/v1/budgets",
        json={"name": "all", "amount": {"amount": 1000, "currency": "USD"}, "period": "monthly"},
    )
    assert budget.status_code == 201, budget.text
    status_path = f"/api/v1/budgets/{budget.json()['id']}/status"
    month_to_date = Decimal((TODAY - THIS_MONTH).days)

    async def spent_is(amount: Decimal) -> bool:
        status = (await admin.get(status_path)).json()
        return Decimal(str(status["spent"]["amount"])) == amount

    await _eventually(lambda: spent_is(2 * month_to_date), "budgets counts both accounts")
    for month in (LAST_MONTH, THIS_MONTH):
        made = await admin.post(
            "/api/v1/invoices/generate", json={"year": month.year, "month": month.month}
        )
        assert made.status_code == 200 and len(made.json()["created"]) == 2, made.text
    issued = await admin.get("/api/v1/invoices", params={"status": "pending"})
    issued_ids = {i["id"] for i in issued.json()["invoices"] if i["account_id"] == doomed}
    assert len(issued_ids) == 1

    deleted = await admin.delete(f"/api/v1/cloud-accounts/{doomed}")

    assert deleted.status_code == 204, deleted.text
    assert (await admin.get(f"/api/v1/cloud-accounts/{doomed}")).status_code == 404
    overview = (await admin.get("/api/v1/costs/overview")).json()
    assert set(_overview_accounts(overview)) == {kept}
    last = (
        await admin.get("/api/v1/costs/overview", params={"as_of_date": f"{LAST_MONTH:%Y-%m-28}"})
    ).json()
    assert set(_overview_accounts(last)) == {kept}
    await _eventually(lambda: spent_is(month_to_date), "budgets drops the deleted account")

    async def doomed_invoices() -> set[int]:
        listed = (await admin.get("/api/v1/invoices")).json()["invoices"]
        return {i["id"] for i in listed if i["account_id"] == doomed}

    async def only_issued_left() -> bool:
        return await doomed_invoices() == issued_ids

    await _eventually(only_issued_left, "the deleted account's draft goes, its issued stays")
    again = await admin.post(
        "/api/v1/invoices/generate", json={"year": THIS_MONTH.year, "month": THIS_MONTH.month}
    )
    assert doomed not in {
        o["account_id"] for o in again.json()["created"] + again.json()["updated"]
    }


async def test_archived_account_keeps_its_history_labelled_and_is_never_synced(
    stack: Stack, fake: DigitalOceanFake, tenant: Tenant
) -> None:
    admin = tenant.http
    account = await _connect(admin, fake, "do-old")
    assert (await _sync(admin, {"account_ids": [account], "days_back": 10}))["job"][
        "status"
    ] == "succeeded"

    archived = await admin.post(f"/api/v1/cloud-accounts/{account}/archive", json={})

    assert archived.status_code == 200, archived.text
    body = archived.json()
    assert body["archived"] is True and body["archive_time"] and not body["has_credentials"]
    overview = (
        await admin.get("/api/v1/costs/overview", params={"as_of_date": f"{LAST_MONTH:%Y-%m-28}"})
    ).json()
    assert _overview_accounts(overview)[account][0] == "do-old (archived)"
    refused = await admin.post("/api/v1/costs/sync", json={"account_ids": [account]})
    assert refused.status_code == 409 and "archived" in refused.text
    renamed = await admin.patch(f"/api/v1/cloud-accounts/{account}", json={"name": "x"})
    assert renamed.status_code == 409, renamed.text


async def test_historical_invoices_cover_every_month_with_cost(
    stack: Stack, fake: DigitalOceanFake, tenant: Tenant
) -> None:
    admin = tenant.http
    account = await _connect(admin, fake, "do-history")
    # June 2024 is out of any sync's reach (365 days back at most): store it the way a sync
    # does, with the real connector reading the fake's invoice.
    window = DateWindow(OLD_MONTH, date(2024, 6, 30))
    connector = DigitalOceanConnector(
        AccountConfig("DIGITALOCEAN", credentials={"token": TOKEN}, endpoint=fake.url)
    )
    db = stack.services["ingest"].runtime.db
    async with db.transaction() as session:
        row = await accounts.get(session, tenant.org, account)
    assert row is not None
    produce = sync_runner.items_producer(
        lambda: connector.fetch(window), sync_runner.owner_of(row), window
    )
    await sync_runner.store(db, row, window, produce)

    report = await admin.post("/api/v1/invoices/generate-historical", json={})

    assert report.status_code == 200, report.text
    created = {
        (o["period_year"], o["period_month"]): o["invoice"] for o in report.json()["created"]
    }
    assert Decimal(str(created[2024, 6]["amount"]["amount"])) == Decimal("50.00")
    assert created[2024, 6]["status"] == "paid"
