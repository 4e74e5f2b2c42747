"""costgrid accounts, import focus, sync, costs, forecast and anomalies against the live stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.common import decimal_json
from tests.cli.conftest import Cli, api, invoke
from tests.support.gateway_stack import Stack
from tests.support.infra import FOCUS_SAMPLE

SAMPLE_TOTAL = "20.52022672899"


@pytest.fixture(scope="module")
async def focus_account(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> int:
    """The FOCUS sample uploaded with the CLI into an upload account made with the CLI."""
    home = tmp_path_factory.mktemp("config")
    made = await invoke(
        stack, home, ("accounts", "add", "cli uploads", "--provider", "focus_file", "-o", "json")
    )
    assert made.exit_code == 0, made.stderr
    account_id = int(json.loads(made.stdout)["id"])
    imported = await invoke(
        stack, home, ("import", "focus", str(FOCUS_SAMPLE), "--account", str(account_id), "--wait")
    )
    assert imported.exit_code == 0, imported.stderr
    assert "succeeded" in imported.stdout
    return account_id


async def test_costs_overview_json_equals_the_api(
    cli: Cli, stack: Stack, focus_account: int
) -> None:
    done = await cli("costs", "overview", "--as-of-date", "2024-09-30", "--output", "json")
    assert done.exit_code == 0, done.stderr
    answer = await api(stack, "/costs/overview?as_of_date=2024-09-30")
    assert decimal_json.loads(done.stdout) == answer
    assert done.stdout.strip() == decimal_json.dumps(answer)
    assert f'"amount":{SAMPLE_TOTAL}' in done.stdout


async def test_costs_overview_table_and_csv_show_the_exact_total(
    cli: Cli, focus_account: int
) -> None:
    table = await cli("costs", "overview", "--as-of-date", "2024-09-30")
    csv = await cli("costs", "overview", "--as-of-date", "2024-09-30", "-o", "csv")
    assert table.exit_code == csv.exit_code == 0
    assert SAMPLE_TOTAL in table.stdout
    assert f"current_month,{SAMPLE_TOTAL},USD,2024-09-01,2024-09-30" in csv.stdout


async def test_trend_table_draws_a_sparkline_per_service(
    cli: Cli, stack: Stack, focus_account: int
) -> None:
    args = ("costs", "trend", "--days", "30", "--granularity", "day", "--group-by", "service",
            "--as-of-date", "2024-09-30")  # fmt: skip
    table = await cli(*args)
    as_json = await cli(*args, "-o", "json")
    assert table.exit_code == as_json.exit_code == 0, table.stderr
    assert any(bar in table.stdout for bar in "▁▂▃▄▅▆▇█")
    assert "(all)" in table.stdout
    path = "/costs/trend?days=30&granularity=day&group_by=service&as_of_date=2024-09-30"
    assert decimal_json.loads(as_json.stdout) == await api(stack, path)


async def test_forecast_json_equals_the_api(cli: Cli, stack: Stack) -> None:
    done = await cli("forecast", "--days", "30", "-o", "json")
    assert done.exit_code == 0, done.stderr
    assert decimal_json.loads(done.stdout) == await api(stack, "/costs/forecast?days=30")


async def test_accounts_list_shows_the_upload_account(cli: Cli, focus_account: int) -> None:
    done = await cli("accounts", "list", "-o", "csv")
    assert done.exit_code == 0, done.stderr
    assert f"{focus_account},cli uploads,focus_file," in done.stdout


async def test_a_bad_provider_is_refused_with_the_apis_message_and_adds_nothing(
    cli: Cli, stack: Stack
) -> None:
    before = await api(stack, "/cloud-accounts")
    done = await cli("accounts", "add", "nope", "--provider", "mainframe")
    assert done.exit_code == 1
    assert done.stderr.startswith("error: ") and "provider" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert await api(stack, "/cloud-accounts") == before


async def test_sync_of_an_unknown_account_fails_and_starts_no_job(cli: Cli, stack: Stack) -> None:
    before = await api(stack, "/costs/sync")
    done = await cli("sync", "--account", "987654321", "--wait")
    assert done.exit_code == 1, done.stdout
    assert "error: " in done.stderr
    assert await api(stack, "/costs/sync") == before


async def test_sync_wait_follows_the_job_to_its_end(
    cli: Cli, stack: Stack, focus_account: int
) -> None:
    done = await cli("sync", "--account", str(focus_account), "--wait", "-o", "json")
    job: Any = decimal_json.loads(done.stdout)
    assert done.exit_code == 0, done.stderr
    assert job == await api(stack, f"/costs/sync/{job['id']}")
    assert job["status"] == "succeeded"


async def test_importing_a_missing_file_sends_nothing(
    cli: Cli, tmp_path: Path, focus_account: int
) -> None:
    done = await cli("import", "focus", str(tmp_path / "none.csv"), "--account", str(focus_account))
    assert done.exit_code == 1
    assert "no such file" in done.stderr


async def test_dismissing_an_unknown_anomaly_is_the_apis_404(cli: Cli, stack: Stack) -> None:
    before = await api(stack, "/costs/anomalies?days=365")
    done = await cli("anomalies", "dismiss", "987654321", "--reason", "planned")
    assert done.exit_code == 1
    assert "error: " in done.stderr and "not found" in done.stderr.lower()
    assert await api(stack, "/costs/anomalies?days=365") == before
    listed = await cli("anomalies", "list", "--days", "365", "-o", "json")
    assert listed.exit_code == 0
    assert decimal_json.loads(listed.stdout) == before
