"""The gateway's own REST routes: the open health checks, and API tokens (its own data, so
they call its handlers rather than another service)."""

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import grpc
from costgrid.gateway.v1 import service_pb2 as gateway_pb
from costgrid.gateway.v1 import service_pb2_grpc as gateway_grpc
from fastapi import Query, Request
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import BaseModel, Field

from services.common.messaging import EVENTS_STREAM, consumer_backlog
from services.common.settings import SERVICES
from services.gateway.domain.tokens import TokenRecord
from services.gateway.handlers import tokens as handlers
from services.gateway.http.jsonio import DecimalJSONResponse
from services.gateway.http.params import Admin, Id
from services.gateway.http.proto_routes import Handler, Route, Rpc, routes
from services.gateway.http.registry import Router


def _tokens(method: str) -> Rpc:
    return Rpc(gateway_pb, gateway_grpc, "TokenService", method)


class TokenBody(BaseModel):
    model_config = {"extra": "forbid"}
    name: str = Field(min_length=1, max_length=100)
    role: Literal["viewer", "member", "admin"]
    expire_time: datetime | None = None


class Token(BaseModel):
    id: int
    name: str
    role: str
    prefix: str
    active: bool
    create_time: str
    expire_time: str | None
    revoke_time: str | None
    last_use_time: str | None


class TokenCreated(BaseModel):
    token: Token
    secret: str = Field(description="The bearer token; shown only here, once")


class TokenList(BaseModel):
    tokens: list[Token]
    next_page_token: str


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def token_json(record: TokenRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "role": record.role,
        "prefix": record.prefix,
        "active": record.active_at(datetime.now(UTC)),
        "create_time": _time(record.created_at),
        "expire_time": _time(record.expires_at),
        "revoke_time": _time(record.revoked_at),
        "last_use_time": _time(record.last_used_at),
    }


async def list_tokens(
    request: Request,
    caller: Admin,
    page_size: Annotated[int, Query(ge=0, le=500)] = 0,
    page_token: Annotated[str, Query(max_length=2000)] = "",
    include_inactive: bool = False,
) -> DecimalJSONResponse:
    records, next_token = await handlers.list_tokens(
        request.app.state.runtime.db,
        caller,
        page_size=page_size,
        page_token=page_token,
        include_inactive=include_inactive,
        signing_key=request.app.state.runtime.signing_key,
    )
    return DecimalJSONResponse(
        {"tokens": [token_json(x) for x in records], "next_page_token": next_token}
    )


async def create_token(request: Request, caller: Admin, body: TokenBody) -> DecimalJSONResponse:
    expires = body.expire_time
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    record, secret = await handlers.create_token(
        request.app.state.runtime.db,
        caller,
        name=body.name,
        role=body.role,
        expires_at=expires,
        request_id=request.headers.get("idempotency-key", "")[:200],
    )
    return DecimalJSONResponse({"token": token_json(record), "secret": secret}, status_code=201)


async def revoke_token(request: Request, caller: Admin, token_id: Id) -> DecimalJSONResponse:
    record = await handlers.revoke_token(request.app.state.runtime.db, caller, token_id)
    request.app.state.auth.forget(token_id)
    return DecimalJSONResponse(token_json(record))


TOKENS = (
    Route(
        "GET /tokens",
        "admin",
        _tokens("ListApiTokens"),
        "List the organization's API tokens",
        handler=Handler(list_tokens, TokenList),
    ),
    Route(
        "POST /tokens",
        "admin",
        _tokens("CreateApiToken"),
        "Create an API token; the secret is shown once",
        status=201,
        example={"name": "ci", "role": "viewer"},
        handler=Handler(create_token, TokenCreated),
    ),
    Route(
        "DELETE /tokens/{token_id}",
        "admin",
        _tokens("RevokeApiToken"),
        "Revoke an API token at once",
        handler=Handler(revoke_token, Token),
    ),
)


class Health(BaseModel):
    status: Literal["ok", "settling", "degraded"] = Field(
        description="ok: everything is ready and every event has reached its consumers; "
        "settling: ready, but events (a sync's costs, a closed period) are still on their way, so "
        "figures derived from them (budgets, forecasts, anomalies, invoices) may lag; "
        "degraded: a dependency or service is not ready (HTTP 503)"
    )
    events_pending: int | None = Field(
        description="Events published but not yet handled by every service that consumes them "
        "(null when NATS cannot be asked)"
    )
    dependencies: dict[str, Literal["up", "down"]] = Field(
        description="What the gateway's own probe saw of PostgreSQL and NATS"
    )
    services: dict[str, str] = Field(
        description="Each service's readiness (gRPC health): SERVING, NOT_SERVING, UNREACHABLE"
    )


class Liveness(BaseModel):
    status: Literal["alive"]


async def _health_of(request: Request, service: str) -> str:
    if service == "gateway":
        readiness = request.app.state.runtime.readiness
        return "SERVING" if readiness is None or readiness.ready else "NOT_SERVING"
    stub = health_pb2_grpc.HealthStub(request.app.state.runtime.channel(service))
    try:
        answer = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
    except grpc.aio.AioRpcError as exc:
        return "UNREACHABLE" if exc.code() == grpc.StatusCode.UNAVAILABLE else exc.code().name
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status))


def _dependencies(request: Request) -> dict[str, str]:
    readiness = request.app.state.runtime.readiness
    seen = readiness.dependencies if readiness is not None else {}
    return {name: "up" if up else "down" for name, up in seen.items()}


async def _events_pending(request: Request) -> int | None:
    messaging = request.app.state.runtime.messaging
    if messaging is None:
        return None
    try:
        async with asyncio.timeout(1.0):
            return sum((await consumer_backlog(messaging, (EVENTS_STREAM,))).values())
    except Exception:  # NATS away or slow: readiness already says so; the count is unknown
        return None


async def health(request: Request) -> DecimalJSONResponse:
    states = await asyncio.gather(*(_health_of(request, s) for s in SERVICES))
    services = dict(zip(SERVICES, states, strict=True))
    dependencies = _dependencies(request)
    ok = all(state == "SERVING" for state in services.values()) and all(
        state == "up" for state in dependencies.values()
    )
    pending = await _events_pending(request)
    return DecimalJSONResponse(
        {
            "status": "degraded" if not ok else "ok" if pending == 0 else "settling",
            "events_pending": pending,
            "dependencies": dependencies,
            "services": services,
        },
        status_code=200 if ok else 503,
    )


async def live() -> DecimalJSONResponse:
    return DecimalJSONResponse({"status": "alive"})


def add_health_routes(router: Router) -> None:
    """Open to anyone (load balancers, orchestrators): no token, so not in the route table the
    role and tenant suites walk."""
    router.api.add_api_route(
        "/health",
        health,
        methods=["GET"],
        response_model=Health,
        response_class=DecimalJSONResponse,
        summary="Readiness: PostgreSQL, NATS and each service; 200 only when all are up",
        tags=["health"],
        operation_id="health",
        responses={503: {"model": Health, "description": "A dependency or service is not ready"}},
    )
    router.api.add_api_route(
        "/health/live",
        live,
        methods=["GET"],
        response_model=Liveness,
        response_class=DecimalJSONResponse,
        summary="Liveness: 200 while the gateway answers, whatever its dependencies do",
        tags=["health"],
        operation_id="healthLive",
    )


def add_token_routes(router: Router) -> None:
    routes(router, "tokens", TOKENS)
