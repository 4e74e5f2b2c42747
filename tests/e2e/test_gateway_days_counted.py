"""Through the gateway, from FOCUS exports synced by ingest: days without data yet pull no
average down, budgets alert only for periods they existed in, and an anomaly's impact is the
one figure its root causes share out."""

from __future__ import annotations

import asyncio
import csv
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.common.settings import Settings
from tests.support.gateway_stack import Stack, gateway_stack

HEADER = ["BilledCost", "EffectiveCost", "BillingCurrency", "ChargePeriodStart", "ChargePeriodEnd"]
HEADER += ["ServiceName", "RegionId", "ProviderName"]
Cost = tuple[date, str, str, str]  # day, service, region, amount in USD


@pytest.fixture(scope="module")
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async with gateway_stack(settings) as running:
        yield running


@pytest.fixture
async def admin(stack: Stack) -> httpx.AsyncClient:
    """An organization of its own per test, so figures never mix."""
    return stack.http(await stack.create_token(f"days-{uuid.uuid4().hex[:8]}", "admin"))


def today() -> date:
    return datetime.now(UTC).date()


def focus_file(path: Path, costs: list[Cost]) -> Path:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for day, service, region, amount in costs:
            start, end = f"{day} 00:00:00", f"{day + timedelta(days=1)} 00:00:00"
            writer.writerow([amount, amount, "USD", start, end, service, region, "AWS"])
    return path


async def synced(client: httpx.AsyncClient, path: Path) -> int:
    """Uploads the file to a new FOCUS upload account and waits for its import."""
    account = {
        "cloud_account": {
            "name": path.stem,
            "provider": "focus_file",
            "settings": {"focus_file": {}},
        }
    }
    created = await client.post("/api/v1/cloud-accounts", json=account)
    assert created.status_code == 201, created.text
    account_id = int(created.json()["id"])
    started = await client.post(
        f"/api/v1/cloud-accounts/{account_id}/uploads",
        content=await asyncio.to_thread(path.read_bytes),
        headers={"Content-Type": "text/csv"},
    )
    assert started.status_code == 202, started.text
    job = await eventually(
        lambda: _get(client, f"/api/v1/costs/sync/{started.json()['job_id']}"),
        lambda job: job["status"] != "running",
    )
    assert job["status"] == "succeeded", job
    return account_id


async def _get(client: httpx.AsyncClient, url: str, **params: Any) -> Any:
    response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def eventually(
    read: Callable[[], Awaitable[Any]], done: Callable[[Any], bool], seconds: float = 30
) -> Any:
    """The first answer `done` accepts: budgets learns of synced costs through an event."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        answer = await read()
        if done(answer) or asyncio.get_running_loop().time() > deadline:
            return answer
        await asyncio.sleep(0.2)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


async def test_overview_averages_only_the_days_with_data(admin, tmp_path):
    # 1-7 November at 1,148 a day; on the 8th (the as-of date) nothing has arrived yet.
    week = days(date(2026, 11, 1), date(2026, 11, 7))
    await synced(admin, focus_file(tmp_path / "aws.csv", [(d, "EC2", "", "1148") for d in week]))

    overview = await _get(admin, "/api/v1/costs/overview", as_of_date="2026-11-08")

    assert overview["current_month"]["amount"] == 8036
    assert (overview["current_month"]["from"], overview["current_month"]["to"]) == (
        "2026-11-01",
        "2026-11-07",
    )
    assert overview["daily_average"]["amount"] == 1148  # not 8036 / 8 = 1004.50
    assert overview["month_end_forecast"]["amount"] == 34440  # 1148 x 30


async def test_budget_burn_rates_count_only_the_days_with_data(admin, tmp_path):
    week = days(date(2026, 11, 1), date(2026, 11, 7))
    budget = {"name": "Team", "amount": {"amount": 100000, "currency": "USD"}}
    created = await admin.post("/api/v1/budgets", json=budget | {"period": "monthly"})
    assert created.status_code == 201, created.text
    await synced(admin, focus_file(tmp_path / "aws.csv", [(d, "EC2", "", "100") for d in week]))

    url = f"/api/v1/budgets/{created.json()['id']}/status"
    status = await eventually(
        lambda: _get(admin, url, as_of_date="2026-11-08"),
        lambda status: Decimal(str(status["spent"]["amount"])) > 0,
    )

    assert Decimal(str(status["spent"]["amount"])) == 700
    assert Decimal(str(status["burn_rate_7d"]["amount"])) == 100  # not 600 / 7
    assert Decimal(str(status["burn_rate_period"]["amount"])) == 100  # not 700 / 8
    # Run-rate from the 8th: 23 more days at 100.
    assert Decimal(str(status["projected_spend"]["amount"])) == 3000


async def test_forecast_starts_the_day_after_the_last_day_with_data(admin, tmp_path):
    last = today() - timedelta(days=3)
    history = days(last - timedelta(days=9), last)
    await synced(admin, focus_file(tmp_path / "aws.csv", [(d, "EC2", "", "50") for d in history]))

    forecast = await eventually(
        lambda: _get(admin, "/api/v1/costs/forecast", days=30),
        lambda forecast: forecast["history_days"] > 0,
    )

    first = last + timedelta(days=1)
    assert forecast["history_days"] == 10
    assert forecast["period"] == {"from": str(first), "to": str(first + timedelta(days=29))}
    assert forecast["daily"][0]["date"] == str(first)


async def test_a_budget_created_today_never_alerts_for_a_resynced_earlier_month(admin, tmp_path):
    budget = {"name": "New", "amount": {"amount": 100, "currency": "USD"}, "period": "monthly"}
    created = await admin.post("/api/v1/budgets", json=budget)
    assert created.status_code == 201, created.text
    budget_id = created.json()["id"]
    last_month_end = today().replace(day=1) - timedelta(days=1)
    month = days(last_month_end.replace(day=1), last_month_end)
    await synced(admin, focus_file(tmp_path / "aws.csv", [(d, "EC2", "", "25") for d in month]))

    status = await eventually(
        lambda: _get(admin, f"/api/v1/budgets/{budget_id}/status", as_of_date=str(month[-1])),
        lambda status: Decimal(str(status["spent"]["amount"])) > 0,
    )
    alerts = await _get(admin, f"/api/v1/budgets/{budget_id}/alerts")

    assert Decimal(str(status["spent"]["amount"])) == 25 * len(month)  # far over 100
    assert alerts["budget_alerts"] == []


def _usual(day: date, base: str) -> str:
    wobble = Decimal((day.toordinal() * 37) % 11 - 5) / 10
    return str(Decimal(base) + wobble)


async def test_an_anomalys_root_causes_share_out_exactly_its_impact(admin, tmp_path):
    spike = today() - timedelta(days=2)
    history = days(spike - timedelta(days=41), spike - timedelta(days=1))
    usual: list[Cost] = [(d, "EC2", "us-east-1", _usual(d, "100.37")) for d in history]
    usual += [(d, "S3", "eu-west-1", _usual(d, "40.11")) for d in history]
    usual += [(d, "CloudFront", "", _usual(d, "12.05")) for d in history]
    burst = [(spike, "EC2", "us-east-1", "180.55"), (spike, "S3", "eu-west-1", "71.23")]
    burst += [(spike, "CloudFront", "", "12.41")]
    account_id = await synced(admin, focus_file(tmp_path / "aws.csv", usual + burst))

    listed = await eventually(
        lambda: _get(admin, "/api/v1/costs/anomalies", days=30, provider_id=account_id),
        lambda listed: any(not a.get("service") for a in listed["data"]),
    )
    [summary] = [a for a in listed["data"] if not a.get("service")]
    anomaly = await _get(admin, f"/api/v1/costs/anomalies/{summary['id']}")

    impact = Decimal(str(anomaly["impact"]))
    expected = Decimal(str(anomaly["actual_amount"])) - impact
    low, high = (Decimal(str(anomaly[f"expected_{b}"])) for b in ("lower", "upper"))
    assert impact > 0 and low <= expected <= high  # over the expected amount, not the bound
    by_dimension: dict[str, list[dict[str, Any]]] = {}
    for cause in anomaly["root_causes"]:
        by_dimension.setdefault(cause["dimension"], []).append(cause)
    [account] = by_dimension.pop("account")
    assert Decimal(str(account["impact"]["amount"])) == impact
    assert set(by_dimension) == {"service", "region"}
    for causes in by_dimension.values():
        assert sum(Decimal(str(c["impact"]["amount"])) for c in causes) == impact
        assert sum(Decimal(str(c["contribution_percent"])) for c in causes) == 100


async def test_the_openapi_document_defines_the_figures_where_clients_read_them(stack):
    document = await _get(stack.http(), "/api/v1/openapi.json")

    def description(path: str) -> str:
        return str(document["paths"][f"/api/v1{path}"]["get"].get("description", ""))

    assert "`current_month.to`: the last day counted" in description("/costs/overview")
    assert "`daily_average`" in description("/costs/overview")
    assert "the first day forecast (`period.from`) is the day" in description("/costs/forecast")
    for path in ("/budgets", "/budgets/{budget_id}", "/budgets/{budget_id}/status"):
        assert "`burn_rate_7d`: mean daily spend over the last 7 days counted" in description(path)
    assert "`actual_amount` minus `expected_amount`" in description("/costs/anomalies/{anomaly_id}")
