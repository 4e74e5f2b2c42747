"""Every route needs a token; every write route refuses roles below its minimum; the minimum
role gets past the gateway. Generated from the route table."""

import pytest

from services.gateway.http.registry import RouteInfo
from tests.integration.gateway.routes import all_routes, body, lower_roles, route_id, url
from tests.support.gateway_stack import Stack

ROUTES = all_routes()
WRITES = [r for r in ROUTES if r.method != "GET"]
DENIED = [(r, role) for r in ROUTES for role in lower_roles(r)]


def _error_of(response) -> dict:  # type: ignore[no-untyped-def]
    payload = response.json()
    assert set(payload) == {"error"} and {"code", "message", "details"} <= set(payload["error"])
    return payload["error"]


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
async def test_route_without_token_is_401(stack: Stack, route: RouteInfo) -> None:
    response = await stack.http().request(route.method, url(route), json=body(route))
    assert response.status_code == 401, response.text
    assert _error_of(response)["code"] == "UNAUTHENTICATED"
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("route", WRITES[:8], ids=route_id)
async def test_route_with_unknown_token_is_401(stack: Stack, route: RouteInfo) -> None:
    client = stack.http("cg_not-a-real-token")
    response = await client.request(route.method, url(route), json=body(route))
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("route", "role"), DENIED, ids=lambda v: v if isinstance(v, str) else route_id(v)
)
async def test_role_below_the_minimum_is_403(stack: Stack, route: RouteInfo, role: str) -> None:
    client = stack.http(stack.tokens[f"default:{role}"])
    response = await client.request(route.method, url(route), json=body(route))
    assert response.status_code == 403, response.text
    error = _error_of(response)
    assert error["code"] == "ROLE_TOO_LOW" and error["details"]["required_role"] == route.role


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
async def test_minimum_role_gets_past_the_gateway_and_never_a_500(
    stack: Stack, route: RouteInfo
) -> None:
    """The service may still say 404 or 400, never 401/403/5xx (every service has landed)."""
    client = stack.http(stack.tokens[f"default:{route.role}"])
    response = await client.request(route.method, url(route), json=body(route))
    assert response.status_code not in (401, 403), response.text
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        _error_of(response)


def test_table_has_a_write_route_for_each_role_level() -> None:
    assert {r.role for r in WRITES} == {"member", "admin"}
    assert all(r.role == "viewer" for r in ROUTES if r.method == "GET" and r.service != "gateway")
