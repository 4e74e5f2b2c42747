"""Requests built from the route table, so every route is covered by the suites."""

from typing import Any

from services.common.caller import ROLES
from services.gateway.http.registry import ROUTES, RouteInfo

# Ids nobody has, for routes whose resource was not created (or must not be touched: a
# DELETE with a real id would revoke the very tokens the suite runs with).
PLACEHOLDER = {"tenant_id": "no-such-tenant", "period": "2024-09"}
UNUSED_ID = 2**62


def url(route: RouteInfo, ids: dict[str, Any] | None = None) -> str:
    path = route.full_path
    for name in route.path_params:
        value = (ids or {}).get(name, PLACEHOLDER.get(name, UNUSED_ID))
        path = path.replace("{" + name + "}", str(value))
    return path


def body(route: RouteInfo) -> dict[str, Any] | None:
    if route.method in ("GET", "DELETE"):
        return None
    return route.example if route.example is not None else {}


def lower_roles(route: RouteInfo) -> list[str]:
    return list(ROLES[: ROLES.index(route.role)])


def route_id(route: RouteInfo) -> str:
    return f"{route.method} {route.path}"


def all_routes() -> list[RouteInfo]:
    from services.gateway.http.app import build_router

    if not ROUTES:
        build_router()
    return list(ROUTES)
