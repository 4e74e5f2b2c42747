"""The cost routes as the published API documents them, end to end through the gateway: one
provider vocabulary (a provider is a connected account, a provider type the cloud that
billed the cost), trend's default grouping, and the anomaly list's shape."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from services.common.settings import Settings
from tests.e2e.test_gateway_costs import _subset
from tests.support.gateway_stack import Stack, gateway_stack
from tests.support.infra import FOCUS_SAMPLE, focus_path

SEPTEMBER = {"as_of_date": "2024-09-30"}


@pytest.fixture(scope="module")
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async with gateway_stack(settings) as running:
        yield running


async def _admin_of(stack: Stack, org: str) -> httpx.AsyncClient:
    if f"{org}:admin" not in stack.tokens:
        stack.tokens[f"{org}:admin"] = await stack.create_token(org, "admin")
    return stack.http(stack.tokens[f"{org}:admin"])


async def _connect(client: httpx.AsyncClient, org: str, name: str, path: Path) -> int:
    account = {
        "name": name,
        "provider": "focus_file",
        "settings": {"focus_file": {"path": focus_path(org, path)}},
    }
    response = await client.post("/api/v1/cloud-accounts", json={"cloud_account": account})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _synced(stack: Stack, org: str, accounts: dict[str, Path]) -> dict[str, int]:
    """FOCUS accounts of `org`, created through the API and synced; name -> id."""
    client = await _admin_of(stack, org)
    ids = {name: await _connect(client, org, name, path) for name, path in accounts.items()}
    started = await client.post("/api/v1/costs/sync", json={"account_ids": list(ids.values())})
    assert started.status_code == 202, started.text
    for _ in range(600):
        job = (await client.get(f"/api/v1/costs/sync/{started.json()['job_id']}")).json()
        if job["status"] != "running":
            break
        await asyncio.sleep(0.1)
    assert job["status"] == "succeeded", job
    return ids


async def test_trend_splits_per_provider_account_by_default(stack: Stack, tmp_path: Path) -> None:
    await _synced(
        stack,
        "org-accounts",
        {
            "aws-prod": _subset(tmp_path / "prod.csv", None, "AWS"),
            "aws-dev": _subset(tmp_path / "dev.csv", 1, "AWS"),
        },
    )
    client = await _admin_of(stack, "org-accounts")

    response = await client.get(
        "/api/v1/costs/trend", params={**SEPTEMBER, "days": 30, "granularity": "month"}
    )

    assert response.status_code == 200, response.text
    trend = response.json(parse_float=Decimal)
    assert trend["group_by"] == "provider"
    (point,) = trend["data"]
    assert point["breakdown"] == {
        "aws-prod": Decimal("18.0066386184"),
        "aws-dev": Decimal("0.0000008"),
    }
    unsplit = await client.get(
        "/api/v1/costs/trend",
        params={**SEPTEMBER, "days": 30, "granularity": "month", "group_by": "none"},
    )
    assert unsplit.json()["group_by"] is None and unsplit.json()["data"][0]["breakdown"] == {}


async def test_provider_types_split_a_focus_source_by_its_provider_names(
    stack: Stack, tmp_path: Path
) -> None:
    (sample,) = (await _synced(stack, "org-types", {"sample": FOCUS_SAMPLE})).values()
    client = await _admin_of(stack, "org-types")
    expected = {
        "aws": Decimal("18.0066386184"),
        "azure": Decimal("1.97651418586"),
        "oracle": Decimal("0.53707392473"),
    }

    overview = (await client.get("/api/v1/costs/overview", params=SEPTEMBER)).json(
        parse_float=Decimal
    )
    trend = (
        await client.get(
            "/api/v1/costs/trend",
            params={**SEPTEMBER, "days": 30, "granularity": "month", "group_by": "provider_type"},
        )
    ).json(parse_float=Decimal)
    account = (await client.get(f"/api/v1/cloud-accounts/{sample}")).json()

    assert {p["provider"]: p["amount"] for p in overview["by_provider_type"]} == expected
    assert trend["data"][0]["breakdown"] == expected
    assert [(p["provider_id"], p["provider"]) for p in overview["by_provider"]] == [
        (sample, "focus_file")
    ]
    assert account["provider"] == overview["by_provider"][0]["provider"] == "focus_file"
    assert overview["providers_present"] == ["focus_file"]


def _spiky_focus_file(path: Path, spike: date) -> Path:
    """Six weeks of steady Compute and Storage, then Compute 300 above its usual on `spike`."""
    rows = ["ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,"
            "ServiceName,RegionId,ProviderName"]  # fmt: skip
    for back in range(42, -1, -1):
        day = spike - timedelta(days=back)
        compute = (60 if day.weekday() >= 5 else 100) + (day.toordinal() * 7919) % 9 - 4
        compute += 300 if day == spike else 0
        for service, amount in (("Compute", f"{compute}.125"), ("Storage", "20.50")):
            rows.append(f"{day}T00:00:00Z,{day + timedelta(days=1)}T00:00:00Z,{amount},{amount},"
                        f"USD,{service},us-east-1,AWS")  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


DOCUMENTED = {
    "id", "type", "provider_id", "date", "actual_amount", "expected_amount", "expected_upper",
    "deviation_percent", "top_services", "status", "detected_at",
}  # fmt: skip


async def _anomalies_of(client: httpx.AsyncClient) -> httpx.Response:
    for _ in range(300):  # budgets detects once it has consumed costs.updated
        response = await client.get("/api/v1/costs/anomalies", params={"days": 10})
        assert response.status_code == 200, response.text
        if response.json()["data"]:
            break
        await asyncio.sleep(0.1)
    return response


async def test_anomaly_list_has_the_documented_shape(stack: Stack, tmp_path: Path) -> None:
    spike = datetime.now(UTC).date() - timedelta(days=2)
    (account,) = (
        await _synced(stack, "org-spikes", {"spiky": _spiky_focus_file(tmp_path / "s.csv", spike)})
    ).values()
    client = await _admin_of(stack, "org-spikes")
    response = await _anomalies_of(client)

    body = response.json(parse_float=Decimal)
    item = next(a for a in body["data"] if a["scope"] == "account")
    assert DOCUMENTED <= set(item) and "next_page_token" in body
    assert (item["type"], item["provider_id"], item["date"]) == ("spike", account, str(spike))
    assert (item["status"], item["currency"]) == ("active", "USD")
    assert item["actual_amount"] == Decimal(
        f"{(60 if spike.weekday() >= 5 else 100) + (spike.toordinal() * 7919) % 9 - 4 + 300}.125"
    ) + Decimal("20.5")
    impact = item["actual_amount"] - item["expected_amount"]
    assert item["expected_amount"] <= item["expected_upper"] < item["actual_amount"]
    assert item["deviation_percent"] > 0
    assert datetime.fromisoformat(item["detected_at"]).tzinfo is not None
    (compute,) = item["top_services"]
    assert compute["service"] == "Compute"
    assert compute["amount"] == item["actual_amount"] - Decimal("20.5")
    assert compute["vs_expected"] == impact == item["impact"] > 0  # the only service that rose
    # Amounts are JSON numbers, not strings.
    raw = json.loads(response.text)["data"][0]
    assert all(not isinstance(raw[f], str) for f in ("actual_amount", "expected_upper"))
    assert not re.search(r"\d\.\d*0[,}\]]", response.text)


DISMISSAL = {"status", "dismiss_reason", "dismissed_by", "dismissed_at", "updated_at"}


async def test_an_anomaly_read_or_dismissed_has_the_shape_of_the_lists_items(
    stack: Stack, tmp_path: Path
) -> None:
    spike = datetime.now(UTC).date() - timedelta(days=2)
    await _synced(stack, "org-dismiss", {"spiky": _spiky_focus_file(tmp_path / "d.csv", spike)})
    client = await _admin_of(stack, "org-dismiss")
    listed = (await _anomalies_of(client)).json(parse_float=Decimal)["data"]
    item = next(a for a in listed if a["scope"] == "account")
    url = f"/api/v1/costs/anomalies/{item['id']}"

    read = await client.get(url)
    dismissed = await client.post(f"{url}/dismiss", json={"reason": "Planned migration"})
    relisted = await client.get("/api/v1/costs/anomalies", params={"days": 10})

    assert read.status_code == 200, read.text
    assert read.json(parse_float=Decimal) == item
    assert dismissed.status_code == 200, dismissed.text
    after = dismissed.json(parse_float=Decimal)
    assert set(after) == set(item)
    assert {k: v for k, v in after.items() if k not in DISMISSAL} == {
        k: v for k, v in item.items() if k not in DISMISSAL
    }
    assert (after["status"], after["dismiss_reason"]) == ("dismissed", "Planned migration")
    assert after["dismissed_by"] and after["dismissed_at"]
    assert after in relisted.json(parse_float=Decimal)["data"]


async def test_openapi_documents_the_cost_shapes_and_vocabulary(stack: Stack) -> None:
    document = (await stack.http().get("/api/v1/openapi.json")).json()
    schemas, paths = document["components"]["schemas"], document["paths"]

    def answer(path: str) -> str:
        return paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]

    group_by = next(
        p for p in paths["/api/v1/costs/trend"]["get"]["parameters"] if p["name"] == "group_by"
    )
    assert group_by["schema"]["default"] == "provider"
    assert "provider_type" in group_by["schema"]["description"]
    assert answer("/api/v1/costs/anomalies") == {"$ref": "#/components/schemas/AnomalyList"}
    item = {"$ref": "#/components/schemas/AnomalyItem"}
    assert answer("/api/v1/costs/anomalies/{anomaly_id}") == item
    dismiss = paths["/api/v1/costs/anomalies/{anomaly_id}/dismiss"]["post"]["responses"]["200"]
    assert dismiss["content"]["application/json"]["schema"] == item
    assert DOCUMENTED <= set(schemas["AnomalyItem"]["properties"])
    assert answer("/api/v1/costs/overview") == {"$ref": "#/components/schemas/Overview"}
    assert "oracle" in schemas["ProviderTypeAmount"]["properties"]["provider"]["description"]
