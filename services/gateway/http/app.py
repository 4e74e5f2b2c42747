"""The REST application: routes, the request id on every response, and one error shape."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import DomainError
from services.common.logging import get_logger, request_id_var
from services.common.server import Runtime
from services.gateway.http import errors
from services.gateway.http.auth import Authenticator
from services.gateway.http.body_limit import (
    BodyLimitMiddleware,
    BodyTooLarge,
    handle_body_too_large,
)
from services.gateway.http.failed_auth import FailedAuthGuard
from services.gateway.http.outages import outage_handlers
from services.gateway.http.registry import API_PREFIX, Router
from services.gateway.http.routes import budgets, gateway, ingest, invoicing, metering, notifier
from services.gateway.http.uploads import UNCAPPED_BODIES
from services.gateway.settings import GatewaySettings

log = get_logger(__name__)
REQUEST_ID = "x-request-id"


@cache
def build_router() -> Router:
    """Built once per process (the models and signatures take a while); apps share it."""
    router = Router()
    gateway.add_health_routes(router)
    ingest.add_routes(router)
    budgets.add_routes(router)
    invoicing.add_routes(router)
    notifier.add_routes(router)
    metering.add_routes(router)
    gateway.add_token_routes(router)
    return router


class RequestIdMiddleware:
    """Takes the caller's X-Request-ID (or makes one), passes it to the services through the
    outgoing channels, returns it on every response, and turns a crash into the error shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _usable(incoming) else uuid.uuid4().hex
        request_id_var.set(request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("http.unhandled", path=scope.get("path"))
            if started:
                raise
            response = errors.error_response(
                500,
                "INTERNAL",
                f"internal error (request id {request_id})",
                {"request_id": request_id},
            )
            await response(scope, receive, send_with_id)


def _usable(value: str) -> bool:
    return 0 < len(value) <= 128 and all(c.isalnum() or c in "-_.:" for c in value)


def create_app(runtime: Runtime, settings: GatewaySettings) -> FastAPI:
    app = FastAPI(
        title="Costgrid API",
        version="1.0.0",
        description="Multi-cloud costs, budgets, invoices, alerts and metering. "
        "Authenticate with `Authorization: Bearer <API token>`.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.auth = Authenticator(runtime.db, settings, FailedAuthGuard(runtime.db, settings))
    app.state.stubs = {}
    app.include_router(build_router().api, prefix=API_PREFIX)
    handlers: dict[Any, Any] = {
        RequestValidationError: errors.handle_validation,
        errors.ApiError: errors.handle_api_error,
        DomainError: errors.handle_domain_error,
        StarletteHTTPException: errors.handle_http_error,
        BodyTooLarge: handle_body_too_large,
        **outage_handlers(),
    }
    for exc_class, handler in handlers.items():
        app.add_exception_handler(exc_class, handler)
    # Added before the request id middleware, so it runs just inside it: first to see the body.
    app.add_middleware(
        BodyLimitMiddleware, limit=settings.gateway_max_body_bytes, larger=UNCAPPED_BODIES
    )
    app.add_middleware(RequestIdMiddleware)
    return app
