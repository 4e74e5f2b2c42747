"""End to end through the gateway: connect FOCUS exports as cloud accounts, sync them, and
read the overview; provider amounts arrive digit for digit."""

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.common.settings import Settings
from tests.support.gateway_stack import Stack, gateway_stack
from tests.support.infra import FOCUS_SAMPLE, focus_path

SAMPLE = FOCUS_SAMPLE


@pytest.fixture(scope="module")
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async with gateway_stack(settings) as running:
        yield running


def _subset(target: Path, keep: int | None, provider: str) -> Path:
    """The sample's rows of one provider (or just the first `keep` of them), as a FOCUS file."""
    text = SAMPLE.read_text()
    header, *lines = text.splitlines(keepends=True)
    rows = [line for line in lines if next(csv.reader(io.StringIO(line)))[29] == provider]
    target.write_text(header + "".join(rows[:keep] if keep else rows))
    return target


async def _connect(stack: Stack, name: str, path: Path) -> int:
    account = {
        "cloud_account": {
            "name": name,
            "provider": "focus_file",
            "settings": {"focus_file": {"path": focus_path("default", path)}},
        }
    }
    response = await stack.http(stack.tokens["default:admin"]).post(
        "/api/v1/cloud-accounts", json=account
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def test_overview_amounts_arrive_digit_for_digit(stack: Stack, tmp_path: Path) -> None:
    aws = await _connect(stack, "aws-focus", _subset(tmp_path / "aws.csv", None, "AWS"))
    tiny = await _connect(stack, "tiny", _subset(tmp_path / "tiny.csv", 1, "AWS"))
    member = stack.http(stack.tokens["default:member"])
    started = await member.post("/api/v1/costs/sync", json={"account_ids": [aws, tiny]})
    assert started.status_code == 202 and started.json()["status"] == "running"
    job_id = started.json()["job_id"]
    for _ in range(300):
        job = (await member.get(f"/api/v1/costs/sync/{job_id}")).json()
        if job["status"] != "running":
            break
        await asyncio.sleep(0.1)
    assert job["status"] == "succeeded", job

    viewer = stack.http(stack.tokens["default:viewer"])
    response = await viewer.get("/api/v1/costs/overview", params={"as_of_date": "2024-09-30"})
    assert response.status_code == 200, response.text
    assert '"name":"aws-focus","provider":"focus_file","amount":18.0066386184}' in response.text
    assert '"name":"tiny","provider":"focus_file","amount":0.0000008}' in response.text
    overview = response.json()
    assert (
        overview["current_month"]["from"] == "2024-09-01"
        and overview["current_month"]["currency"] == "USD"
    )
    assert {p["provider_id"] for p in overview["by_provider"]} >= {aws, tiny}


async def test_another_org_sees_none_of_it(stack: Stack) -> None:
    response = await stack.http(stack.tokens["org-b:viewer"]).get(
        "/api/v1/costs/overview", params={"as_of_date": "2024-09-30"}
    )
    assert response.status_code == 200 and response.json()["by_provider"] == []


@pytest.mark.parametrize("days", [30, 60, 90])
async def test_forecast_accepts_each_allowed_horizon(stack: Stack, days: int) -> None:
    response = await stack.http(stack.tokens["default:viewer"]).get(
        "/api/v1/costs/forecast", params={"days": days}
    )
    assert response.status_code == 200, response.text
    assert response.json()["forecast_days"] == days
