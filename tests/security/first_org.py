"""One of everything in the first organization ("default"), made through the REST API (and,
for an anomaly, the costs.updated event ingest publishes), every name carrying MARKER so an
answer to another organization that mentions any of it is caught by a substring search."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from services.common.messaging import Namespace, connect
from tests.support import budgets_events
from tests.support.gateway_stack import Stack
from tests.support.infra import FOCUS_SAMPLE, focus_folder

# In every name; ids the second org sends back in its own requests (tenant ids, book names)
# carry none, as an error echoing the caller's own input is no leak.
MARKER = f"orga{uuid.uuid4().hex[:10]}"
RUN = uuid.uuid4().hex[:8]
ORG = "default"


def _focus_file(org: str, name: str) -> str:
    """The sample's AWS rows (September 2024 costs of one account) in the org's FOCUS folder;
    the account's path to them."""
    header, *lines = FOCUS_SAMPLE.read_text().splitlines(keepends=True)
    rows = [line for line in lines if next(csv.reader(io.StringIO(line)))[29] == "AWS"]
    (focus_folder(org) / name).write_text(header + "".join(rows))
    return name


async def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


async def _wait_for(what: str, probe: Any, seconds: float = 30) -> Any:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if (found := await probe()) is not None:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"{what} did not appear within {seconds}s")


async def _synced_account(admin: httpx.AsyncClient) -> tuple[int, int]:
    """A FOCUS account and the id of the sync job that read it."""
    account = await _ok(
        await admin.post(
            "/api/v1/cloud-accounts",
            json={
                "cloud_account": {
                    "name": f"{MARKER} focus",
                    "provider": "focus_file",
                    "settings": {"focus_file": {"path": _focus_file(ORG, f"aws-{RUN}.csv")}},
                }
            },
        ),
        201,
    )
    job = await _ok(
        await admin.post("/api/v1/costs/sync", json={"account_ids": [account["id"]]}), 202
    )

    async def finished() -> Any:
        state = await _ok(await admin.get(f"/api/v1/costs/sync/{job['job_id']}"))
        return state if state["status"] != "running" else None

    assert (await _wait_for("the sync", finished))["status"] == "succeeded"
    return int(account["id"]), int(job["job_id"])


async def _anomaly(stack: Stack, admin: httpx.AsyncClient, account_id: int) -> int:
    """Six weeks of steady spend and a spike yesterday, as ingest would report them."""
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    history = budgets_events.days(yesterday - timedelta(days=42), 42)
    costs = [(d, "Amazon EC2", "us-east-1", str(100 + d.toordinal() % 5)) for d in history]
    costs.append((yesterday, "Amazon EC2", "us-east-1", "900"))
    event = budgets_events.costs_updated(
        ORG, account_id, (history[0], yesterday), costs, account_name=f"{MARKER} focus"
    )
    messaging = await connect(
        stack.settings.nats_url, "security-tests", Namespace(stack.settings.namespace)
    )
    try:
        await budgets_events.publish(messaging, event)
    finally:
        await messaging.close()

    async def listed() -> Any:
        found = await _ok(await admin.get("/api/v1/costs/anomalies", params={"days": 60}))
        return found["data"][0]["id"] if found["data"] else None

    return int(await _wait_for("the anomaly", listed))


async def _metering(admin: httpx.AsyncClient) -> dict[str, Any]:
    """A price book, a plan, a tenant on it since last month, and last month's statement."""
    book = f"book-{RUN}"
    await _ok(
        await admin.post(
            "/api/v1/metering/price-books",
            json={
                "name": book,
                "effective_from": "2024-01-01",
                "currency_code": "USD",
                "rates": [
                    {"meter": "cpu", "rate": 0.03},
                    {"meter": "memory", "rate": 0.004},
                    {"meter": "storage", "rate": 0.0001},
                    {"meter": "metrics_series", "rate": 0.001},
                    {"meter": "logs_bytes", "rate": 0.5},
                ],
            },
        ),
        201,
    )
    plan = await _ok(
        await admin.post(
            "/api/v1/metering/plans",
            json={
                "name": f"{MARKER} plan",
                "price_book_name": book,
                "base_fee": {"amount": 99, "currency": "USD"},
            },
        ),
        201,
    )
    this_month = date.today().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    tenant_id = f"tenant-{RUN}"
    await _ok(
        await admin.post(
            "/api/v1/metering/tenants",
            json={
                "tenant": {
                    "id": tenant_id,
                    "name": f"{MARKER} tenant",
                    "overage_policy": "allowed",
                },
                "plan_id": plan["id"],
                "start_time": f"{last_month.isoformat()}T00:00:00Z",
            },
        ),
        201,
    )
    period = last_month.strftime("%Y-%m")
    closed = await _ok(
        await admin.post(f"/api/v1/metering/tenants/{tenant_id}/periods/{period}/close", json={})
    )
    return {
        "price_book_name": book,
        "plan_id": plan["id"],
        "tenant_id": tenant_id,
        "period": period,
        "statement_id": closed["statement"]["id"],
    }


async def make_first_org(stack: Stack) -> dict[str, Any]:
    """Ids of the first organization's objects, keyed by the path parameter naming each."""
    admin = stack.http(stack.tokens[f"{ORG}:admin"])
    account_id, job_id = await _synced_account(admin)
    ids: dict[str, Any] = {"account_id": account_id, "job_id": job_id}
    budget = await _ok(
        await admin.post(
            "/api/v1/budgets",
            json={
                "name": f"{MARKER} budget",
                "amount": {"amount": 5000, "currency": "USD"},
                "period": "monthly",
                "scope": {"account_ids": [account_id]},
            },
        ),
        201,
    )
    channel = await _ok(
        await admin.post(
            "/api/v1/notification-channels",
            json={
                "channel": {
                    "name": f"{MARKER} channel",
                    "type": "webhook",
                    "config": {"webhook": {"url": "https://93.184.216.34/costgrid"}},
                }
            },
        ),
        201,
    )
    rule = await _ok(
        await admin.post(
            "/api/v1/rules",
            json={
                "name": f"{MARKER} rule",
                "trigger_type": "budget_threshold",
                "channel_ids": [channel["channel"]["id"]],
            },
        ),
        201,
    )
    token = await _ok(
        await admin.post("/api/v1/tokens", json={"name": MARKER, "role": "viewer"}), 201
    )
    generated = await _ok(
        await admin.post("/api/v1/invoices/generate", json={"year": 2024, "month": 9})
    )
    invoices = [o["invoice"]["id"] for o in generated["created"] if o.get("invoice")]
    await _ok(
        await admin.put(
            f"/api/v1/cloud-accounts/{account_id}/billing-settings",
            json={"client_name": f"{MARKER} client", "markup_percent": 10},
        )
    )
    await _ok(
        await admin.put(
            "/api/v1/issuer-profile", json={"name": f"{MARKER} issuer", "email": "a@example.com"}
        )
    )
    ids.update(
        budget_id=budget["id"],
        channel_id=channel["channel"]["id"],
        rule_id=rule["id"],
        token_id=token["token"]["id"],
        invoice_id=invoices[0],
        anomaly_id=await _anomaly(stack, admin, account_id),
        **await _metering(admin),
    )
    return ids
