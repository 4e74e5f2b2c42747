"""A second organization's admin tries every route with a path id against the first
organization's ids: 404 or 403, never data."""

from typing import Any

import pytest

from services.gateway.http.registry import RouteInfo
from tests.integration.gateway.routes import all_routes, body, route_id, url
from tests.support.gateway_stack import Stack

WITH_IDS = [r for r in all_routes() if r.path_params]
# Which create route makes the resource a path id names, and where its id is in the answer.
CREATES = {
    "account_id": ("/cloud-accounts", ("id",)),
    "budget_id": ("/budgets", ("id",)),
    "channel_id": ("/notification-channels", ("id",)),
    "rule_id": ("/rules", ("id",)),
    "plan_id": ("/metering/plans", ("id",)),
    "tenant_id": ("/metering/tenants", ("id",)),
    "token_id": ("/tokens", ("token", "id")),
}


@pytest.fixture(scope="module")
async def first_org_ids(stack: Stack) -> dict[str, Any]:
    """Creates what it can as the first org; ids it cannot create stay placeholders."""
    routes = {r.path: r for r in all_routes() if r.method == "POST"}
    admin = stack.http(stack.tokens["default:admin"])
    ids: dict[str, Any] = {}
    for name, (path, keys) in CREATES.items():
        response = await admin.post(f"/api/v1{path}", json=body(routes[path]))
        if response.status_code == 201:
            value: Any = response.json()
            for key in keys:
                value = value[key]
            ids[name] = value
    return ids


@pytest.mark.parametrize("route", WITH_IDS, ids=route_id)
async def test_other_org_gets_404_or_403_never_data(
    stack: Stack, first_org_ids: dict[str, Any], route: RouteInfo
) -> None:
    other = stack.http(stack.tokens["org-b:admin"])
    response = await other.request(route.method, url(route, first_org_ids), json=body(route))
    if route.method == "GET" and response.status_code == 200:
        # Allowed only when it says nothing: the same answer as for an id nobody has.
        unused = {name: NEVER_USED.get(name, 2**62) for name in route.path_params}
        baseline = await other.get(url(route, unused))
        assert _without_ids(response.json(), first_org_ids) == _without_ids(baseline.json(), unused)
        return
    assert response.status_code in (403, 404), f"{response.status_code}: {response.text}"
    assert set(response.json()) == {"error"}


NEVER_USED = {"tenant_id": "never-used-tenant", "period": "2024-09"}


def _without_ids(payload: Any, ids: dict[str, Any]) -> Any:
    """The answer with the asked-for ids blanked, so two answers can be compared."""
    values = {str(v) for v in ids.values()}
    if isinstance(payload, dict):
        return {k: _without_ids(v, ids) for k, v in payload.items()}
    if isinstance(payload, list):
        return [_without_ids(v, ids) for v in payload]
    return "<id>" if str(payload) in values else payload


async def test_the_token_created_by_the_first_org_is_real(first_org_ids: dict[str, Any]) -> None:
    """The gateway's own resource always exists, so the suite checks at least one real id."""
    assert isinstance(first_org_ids.get("token_id"), int)


@pytest.mark.parametrize("path", ["/api/v1/budgets", "/api/v1/cloud-accounts", "/api/v1/tokens"])
async def test_other_org_lists_do_not_show_the_first_orgs_resources(
    stack: Stack, first_org_ids: dict[str, Any], path: str
) -> None:
    response = await stack.http(stack.tokens["org-b:admin"]).get(path, params={"page_size": 500})
    assert response.status_code == 200
    items = next(v for v in response.json().values() if isinstance(v, list))
    # Ids come from one sequence per resource, so compare each list with its own resource.
    key = {
        "/api/v1/budgets": "budget_id",
        "/api/v1/cloud-accounts": "account_id",
        "/api/v1/tokens": "token_id",
    }[path]
    assert key in first_org_ids
    assert first_org_ids[key] not in {item["id"] for item in items}
