"""The route table: every REST route with its minimum role and owning service.

Tests enumerate `ROUTES`, so adding a route adds it to the role and tenant-isolation suites.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc
from fastapi import APIRouter, Request, Response
from google.protobuf.message import Message
from pydantic import BaseModel

from services.gateway.http.errors import from_rpc_error
from services.gateway.http.jsonio import DecimalJSONResponse, DecimalRoute

API_PREFIX = "/api/v1"


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, Any]


class ErrorBody(BaseModel):
    error: ErrorDetail


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "Invalid request; `details.field` names the offending field"),
        (401, "Missing, invalid, expired or revoked API token"),
        (403, "The token's role may not do this"),
        (404, "Not found (or not in the token's organization)"),
        (409, "Conflicts with the current state"),
        (429, "Rate limited; see Retry-After"),
        (501, "The owning service has not landed this capability yet"),
        (503, "The owning service is unavailable"),
    )
}


@dataclass(frozen=True)
class RouteInfo:
    method: str
    path: str  # below /api/v1
    role: str  # minimum role: viewer | member | admin
    service: str  # the service that owns the data
    rpc: str  # e.g. "BudgetService.GetBudget"
    summary: str
    status: int = 200
    # A valid request body (tests and docs); the role and isolation suites send it.
    example: dict[str, Any] | None = None
    tag: str = ""
    # The route's longer description in the OpenAPI document, where the summary is not enough.
    description: str = ""

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def full_path(self) -> str:
        return API_PREFIX + self.path

    @property
    def operation_id(self) -> str:
        name = self.rpc.split(".")[-1].replace("#", "_")
        return name[0].lower() + name[1:]


ROUTES: list[RouteInfo] = []


@dataclass
class Router:
    api: APIRouter = field(default_factory=lambda: APIRouter(route_class=DecimalRoute))

    def add(
        self,
        info: RouteInfo,
        endpoint: Callable[..., Any],
        response_model: Any = None,
        response_class: type[Response] = DecimalJSONResponse,
        openapi_extra: Mapping[str, Any] | None = None,
    ) -> None:
        if info not in ROUTES:
            ROUTES.append(info)
        self.api.add_api_route(
            info.path,
            endpoint,
            methods=[info.method],
            status_code=info.status,
            response_model=response_model,
            response_class=response_class,
            summary=info.summary,
            description=info.description or None,
            tags=[info.tag or info.service],
            operation_id=info.operation_id,
            responses=_ERRORS,
            openapi_extra={
                "x-costgrid-role": info.role,
                "x-costgrid-service": info.service,
                **(openapi_extra or {}),
            },
        )


async def call(
    request: Request, service: str, stub_class: type, method: str, message: Message
) -> Any:
    """Calls a service as the authenticated caller (the channel signs the context)."""
    state = request.app.state
    key = (service, stub_class)
    stub = state.stubs.get(key)
    if stub is None:
        stub = state.stubs[key] = stub_class(state.runtime.channel(service))
    try:
        return await getattr(stub, method)(
            message, timeout=state.settings.gateway_grpc_timeout_seconds
        )
    except grpc.aio.AioRpcError as exc:
        raise from_rpc_error(exc, service) from exc
