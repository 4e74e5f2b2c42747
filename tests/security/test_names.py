"""Names that would flow into Slack, email, SMS and PDFs (issue 14, item 8): a control
character or a bidirectional override is 400 naming the field, on every kind of name, and
nothing is created or renamed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.gateway_stack import Stack

UNSAFE = {
    "bell": "ops\u0007team",
    "rtl-override": "invoice\u202egpj.exe",
    "rtl-isolate": "ops\u2067team",
    "surrounding-space": " ops ",
}
METERS = ("cpu", "memory", "storage", "metrics_series", "logs_bytes")


def _name_cases(ids: dict[str, Any], name: str) -> list[tuple[str, str, Any, str, str]]:
    """(method, path, body, the field the 400 names, where the name would show)."""
    webhook = {"webhook": {"url": "https://93.184.216.34/costgrid"}}
    return [
        ("POST", "/budgets", {"name": name, "amount": {"amount": 10, "currency": "USD"},
                              "period": "monthly"}, "budget.name", "/budgets"),
        ("PATCH", f"/budgets/{ids['budget_id']}", {"name": name}, "budget.name", "/budgets"),
        ("POST", "/notification-channels", {"channel": {"name": name, "type": "webhook",
                                                        "config": webhook}},
         "channel.name", "/notification-channels"),
        ("PATCH", f"/notification-channels/{ids['channel_id']}", {"name": name}, "channel.name",
         "/notification-channels"),
        ("POST", "/rules", {"name": name, "trigger_type": "budget_threshold",
                            "channel_ids": [ids["channel_id"]]}, "rule.name", "/rules"),
        ("PATCH", f"/rules/{ids['rule_id']}", {"name": name}, "rule.name", "/rules"),
        ("POST", "/cloud-accounts", {"cloud_account": {"name": name, "provider": "focus_file",
                                                       "settings": {"focus_file": {"path": "/x"}}}},
         "cloud_account.name", "/cloud-accounts"),
        ("PATCH", f"/cloud-accounts/{ids['account_id']}", {"name": name}, "cloud_account.name",
         "/cloud-accounts"),
        ("POST", "/metering/tenants", {"tenant": {"id": "named", "name": name,
                                                  "overage_policy": "allowed"},
                                       "plan_id": ids["plan_id"]},
         "tenant.name", "/metering/tenants"),
        ("POST", "/metering/plans", {"name": name, "price_book_name": ids["price_book_name"]},
         "plan.name", "/metering/plans"),
        ("POST", "/metering/price-books", {"name": name, "effective_from": "2024-01-01",
                                           "currency_code": "USD",
                                           "rates": [{"meter": m, "rate": 1} for m in METERS]},
         "price_book.name", "/metering/price-books"),
        ("POST", "/tokens", {"name": name, "role": "viewer"}, "name", "/tokens"),
        ("PUT", "/issuer-profile", {"name": name, "email": "a@example.com"}, "profile.name",
         "/issuer-profile"),
        ("PUT", f"/cloud-accounts/{ids['account_id']}/billing-settings", {"client_name": name},
         "settings.client_name", f"/cloud-accounts/{ids['account_id']}/billing-settings"),
    ]  # fmt: skip


KINDS = [case[3] + " " + case[0] for case in _name_cases({k: 1 for k in (
    "budget_id", "channel_id", "rule_id", "account_id", "plan_id", "price_book_name")}, "")]  # fmt: skip


async def _shown(admin: httpx.AsyncClient, path: str) -> Any:
    answer = (await admin.get(f"/api/v1{path}", params={"page_size": 500})).json()
    if path == "/tokens":
        for token in answer["tokens"]:
            token.pop("last_use_time")  # the admin's own token is in use
    return answer


@pytest.mark.parametrize("unsafe", list(UNSAFE), ids=list(UNSAFE))
@pytest.mark.parametrize("kind", range(len(KINDS)), ids=KINDS)
async def test_an_unsafe_name_is_400_naming_the_field_and_changes_nothing(
    stack: Stack, first_org: dict[str, Any], kind: int, unsafe: str
) -> None:
    method, path, body, field, shown = _name_cases(first_org, UNSAFE[unsafe])[kind]
    admin = stack.http(stack.tokens["default:admin"])
    before = await _shown(admin, shown)
    response = await admin.request(method, f"/api/v1{path}", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["details"]["field"] == field
    assert await _shown(admin, shown) == before


async def test_names_in_other_scripts_and_with_emoji_are_kept_as_sent(stack: Stack) -> None:
    admin = stack.http(stack.tokens["default:admin"])
    name = "Ops équipe 运维 - מבצעים 🚀"
    response = await admin.post("/api/v1/tokens", json={"name": name, "role": "viewer"})
    assert response.status_code == 201, response.text
    assert response.json()["token"]["name"] == name
