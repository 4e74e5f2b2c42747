"""costgrid budgets, invoices, usage, tenants, tokens and orgs against the live stack."""

from __future__ import annotations

import json
from pathlib import Path

from services.common import decimal_json
from tests.cli.conftest import Cli, api
from tests.support.gateway_stack import Stack


async def test_budgets_add_list_and_status(cli: Cli, stack: Stack) -> None:
    made = await cli(
        "budgets", "add", "cli budget", "--amount", "1500.10", "--threshold", "80", "-o", "json"
    )
    assert made.exit_code == 0, made.stderr
    budget = decimal_json.loads(made.stdout)
    assert str(budget["amount"]["amount"]) == "1500.1"
    listed = await cli("budgets", "list", "-o", "json")
    assert decimal_json.loads(listed.stdout) == await api(stack, "/budgets")
    status = await cli("budgets", "status", str(budget["id"]), "-o", "json")
    assert status.exit_code == 0, status.stderr
    assert decimal_json.loads(status.stdout)["budget_id"] == budget["id"]


async def test_a_bad_budget_amount_changes_nothing(cli: Cli, stack: Stack) -> None:
    before = await api(stack, "/budgets")
    local = await cli("budgets", "add", "x", "--amount", "lots")
    refused = await cli("budgets", "add", "x", "--amount", "-5")
    assert local.exit_code == refused.exit_code == 1
    assert "--amount must be a decimal number" in local.stderr
    assert refused.stderr.startswith("error: ") and "Traceback" not in refused.stderr
    assert await api(stack, "/budgets") == before


async def test_invoices_list_json_equals_the_api_and_unknown_ids_are_404(
    cli: Cli, stack: Stack
) -> None:
    listed = await cli("invoices", "list", "-o", "json")
    assert listed.exit_code == 0, listed.stderr
    assert decimal_json.loads(listed.stdout) == await api(stack, "/invoices")
    paid = await cli("invoices", "mark-paid", "987654321")
    assert paid.exit_code == 1 and paid.stderr.startswith("error: ")
    assert await api(stack, "/invoices") == decimal_json.loads(listed.stdout)


async def test_invoices_generate_reports_its_outcomes(cli: Cli) -> None:
    done = await cli("invoices", "generate", "--year", "2024", "--month", "9", "-o", "json")
    assert done.exit_code == 0, done.stderr
    assert set(decimal_json.loads(done.stdout)) <= {"created", "updated", "skipped"}


async def test_usage_push_of_a_bad_file_sends_nothing(cli: Cli, tmp_path: Path) -> None:
    events = tmp_path / "usage.ndjson"
    events.write_text('{"id": "e1", "tenant_id": "t"}\nnot json\n')
    done = await cli("usage", "push", str(events))
    assert done.exit_code == 1
    assert "usage.ndjson:2: not JSON" in done.stderr


async def test_usage_push_counts_rejected_events(cli: Cli, tmp_path: Path) -> None:
    events = tmp_path / "usage.csv"
    events.write_text("id,tenant_id,cluster_id,meter,quantity,unit,effective_time\n"
                      "cli-e1,no-such-tenant,c1,cpu,1.5,core_hours,2024-09-01T00:00:00Z\n")  # fmt: skip
    done = await cli("usage", "push", str(events), "-o", "csv")
    assert done.exit_code == 1
    assert done.stdout.splitlines()[-1] == "0,0,1"
    assert "rejected cli-e1" in done.stderr


async def test_tenants_estimate_of_an_unknown_tenant_is_the_apis_404(cli: Cli) -> None:
    done = await cli("tenants", "estimate", "no-such-tenant")
    assert done.exit_code == 1
    assert done.stderr.startswith("error: ")


async def test_tokens_create_list_and_revoke(cli: Cli, stack: Stack) -> None:
    made = await cli("tokens", "create", "cli-reader", "--role", "viewer", "-o", "json")
    assert made.exit_code == 0, made.stderr
    created = json.loads(made.stdout)
    assert created["secret"]
    listed = await cli("tokens", "list", "-o", "json")
    assert decimal_json.loads(listed.stdout) == await api(stack, "/tokens")
    revoked = await cli("tokens", "revoke", str(created["token"]["id"]), "--yes")
    assert revoked.exit_code == 0, revoked.stderr
    names = [t["name"] for t in (await api(stack, "/tokens"))["tokens"]]
    assert "cli-reader" not in names


async def test_revoking_an_unknown_token_changes_nothing(cli: Cli, stack: Stack) -> None:
    before = await api(stack, "/tokens")
    done = await cli("tokens", "revoke", "987654321", "--yes")
    assert done.exit_code == 1 and done.stderr.startswith("error: ")
    assert await api(stack, "/tokens") == before
