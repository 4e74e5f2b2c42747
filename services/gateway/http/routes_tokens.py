"""API tokens (the gateway's own data), invoice documents, and the open health check."""

import asyncio
import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import grpc
from costgrid.invoicing.v1 import service_pb2 as invoicing_pb
from costgrid.invoicing.v1 import service_pb2_grpc as invoicing_grpc
from fastapi import Depends, Path, Query, Request, Response
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import BaseModel, Field

from services.common.caller import Caller
from services.common.messaging import EVENTS_STREAM, consumer_backlog
from services.common.settings import SERVICES
from services.gateway.domain.tokens import TokenRecord
from services.gateway.handlers import tokens as handlers
from services.gateway.http.auth import require
from services.gateway.http.jsonio import DecimalJSONResponse
from services.gateway.http.registry import RouteInfo, Router, call

TokenId = Annotated[int, Path(ge=1, le=2**63 - 1)]


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


def add_token_routes(r: Router) -> None:
    admin = Annotated[Caller, Depends(require("admin"))]

    async def create_token(request: Request, caller: admin, body: TokenBody) -> DecimalJSONResponse:
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

    async def list_tokens(
        request: Request,
        caller: admin,
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

    async def revoke_token(
        request: Request, caller: admin, token_id: TokenId
    ) -> DecimalJSONResponse:
        record = await handlers.revoke_token(request.app.state.runtime.db, caller, token_id)
        request.app.state.auth.forget(token_id)
        return DecimalJSONResponse(token_json(record))

    info = RouteInfo
    r.add(info("GET", "/tokens", "admin", "gateway", "TokenService.ListApiTokens",
               "List the organization's API tokens", tag="tokens"), list_tokens, TokenList)  # fmt: skip
    r.add(info("POST", "/tokens", "admin", "gateway", "TokenService.CreateApiToken",
               "Create an API token; the secret is shown once", 201,
               {"name": "ci", "role": "viewer"}, "tokens"), create_token, TokenCreated)  # fmt: skip
    r.add(info("DELETE", "/tokens/{token_id}", "admin", "gateway", "TokenService.RevokeApiToken",
               "Revoke an API token at once", tag="tokens"), revoke_token, Token)  # fmt: skip


def add_document_route(r: Router) -> None:
    async def document(
        request: Request,
        caller: Annotated[Caller, Depends(require("viewer"))],
        invoice_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
        format: Literal["pdf", "csv"] = "pdf",
    ) -> Response:
        message = invoicing_pb.GetInvoiceDocumentRequest(
            invoice_id=invoice_id,
            format=invoicing_pb.DOCUMENT_FORMAT_PDF
            if format == "pdf"
            else invoicing_pb.DOCUMENT_FORMAT_CSV,
        )
        answer = await call(
            request, "invoicing", invoicing_grpc.InvoiceServiceStub, "GetInvoiceDocument", message
        )
        filename = (
            re.sub(r"[^A-Za-z0-9._-]", "_", answer.filename) or f"invoice-{invoice_id}.{format}"
        )
        return Response(
            answer.content,
            media_type=answer.content_type or "application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    info = RouteInfo("GET", "/invoices/{invoice_id}/document", "viewer", "invoicing",
                     "InvoiceService.GetInvoiceDocument", "Download an invoice as PDF or CSV",
                     tag="invoices")  # fmt: skip
    r.add(info, document, response_model=None, response_class=Response)


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


def add_health_route(r: Router) -> None:
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

    r.api.add_api_route(
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
    r.api.add_api_route(
        "/health/live",
        live,
        methods=["GET"],
        response_model=Liveness,
        response_class=DecimalJSONResponse,
        summary="Liveness: 200 while the gateway answers, whatever its dependencies do",
        tags=["health"],
        operation_id="healthLive",
    )
