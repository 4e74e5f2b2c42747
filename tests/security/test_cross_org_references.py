"""References to another organization's objects (issue 14, item 8): the second organization
naming the first's account, channel, plan or price book inside its own objects gets 404,
exactly as for an id nobody has, and nothing is created or changed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.gateway_stack import Stack

NOBODY = 2**62
METERS = ("cpu", "memory", "storage", "metrics_series", "logs_bytes")


async def _created(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> Any:
    response = await client.post(f"/api/v1{path}", json=body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="module")
async def second_org(stack: Stack) -> dict[str, Any]:
    """The second organization's own budget, price book, plan and tenant."""
    admin = stack.http(stack.tokens["org-b:admin"])
    budget = await _created(
        admin,
        "/budgets",
        {"name": "b budget", "amount": {"amount": 10, "currency": "USD"}, "period": "monthly"},
    )
    rates = [{"meter": m, "rate": 1} for m in METERS]
    await _created(
        admin,
        "/metering/price-books",
        {"name": "b-book", "effective_from": "2024-01-01", "currency_code": "USD", "rates": rates},
    )
    plan = await _created(admin, "/metering/plans", {"name": "b plan", "price_book_name": "b-book"})
    await _created(
        admin,
        "/metering/tenants",
        {"tenant": {"id": "b-tenant", "overage_policy": "allowed"}, "plan_id": plan["id"]},
    )
    return {"budget_id": budget["id"], "plan_id": plan["id"], "tenant_id": "b-tenant"}


def _references(a: dict[str, Any], b: dict[str, Any], ref: str) -> list[tuple[str, str, Any, str]]:
    """(method, path, body, the field the 404 names); `ref` says whose ids are referenced."""
    ids = a if ref == "first" else {k: NOBODY for k in a} | {"price_book_name": "nobody"}
    money = {"amount": 10, "currency": "USD"}
    return [
        ("POST", "/budgets", {"name": "x", "amount": money, "period": "monthly",
                              "scope": {"account_ids": [ids["account_id"]]}},
         "budget.scope.account_ids"),
        ("PATCH", f"/budgets/{b['budget_id']}", {"scope": {"account_ids": [ids["account_id"]]}},
         "budget.scope.account_ids"),
        ("POST", "/rules", {"name": "x", "trigger_type": "budget_threshold",
                            "channel_ids": [ids["channel_id"]]}, "rule.channel_ids"),
        ("POST", "/metering/plans", {"name": "x", "price_book_name": ids["price_book_name"]},
         "plan.price_book_name"),
        ("POST", "/metering/tenants", {"tenant": {"id": "x-tenant", "overage_policy": "allowed"},
                                       "plan_id": ids["plan_id"]}, "plan_id"),
        ("POST", f"/metering/tenants/{b['tenant_id']}/subscription", {"plan_id": ids["plan_id"]},
         "plan_id"),
        ("POST", "/costs/sync", {"account_ids": [ids["account_id"]]}, ""),
        ("PUT", f"/cloud-accounts/{ids['account_id']}/billing-settings", {"markup_percent": 5},
         ""),
    ]  # fmt: skip


NAMES = ["budget scope", "budget scope update", "rule channel", "plan price book",
         "tenant plan", "subscription plan", "sync account", "billing settings account"]  # fmt: skip
LISTS = ("/budgets", "/rules", "/metering/plans", "/metering/tenants", "/costs/sync")


async def _own_state(client: httpx.AsyncClient) -> list[Any]:
    return [(await client.get(f"/api/v1{p}", params={"page_size": 500})).json() for p in LISTS]


@pytest.mark.parametrize("ref", ["first", "nobody"], ids=["first-orgs-id", "unused-id"])
@pytest.mark.parametrize("index", range(len(NAMES)), ids=NAMES)
async def test_a_reference_to_another_orgs_object_is_404_as_for_an_unused_id(
    stack: Stack, first_org: dict[str, Any], second_org: dict[str, Any], index: int, ref: str
) -> None:
    method, path, body, field = _references(first_org, second_org, ref)[index]
    second = stack.http(stack.tokens["org-b:admin"])
    before = await _own_state(second)
    response = await second.request(method, f"/api/v1{path}", json=body)
    assert response.status_code == 404, response.text
    if field:
        assert response.json()["error"]["details"]["field"] == field
    assert await _own_state(second) == before
