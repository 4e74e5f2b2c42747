"""The gateway's own PostgreSQL (API tokens) or NATS out of reach: 503 with Retry-After and a
rate-limited log line, as the services answer, instead of a 500 and a stack trace per request."""

from __future__ import annotations

from typing import Any

import asyncpg
import nats.errors
import sqlalchemy.exc
from fastapi import Request

from services.common.logging import get_logger
from services.common.outages import dependency_down, unavailable
from services.gateway.http.errors import error_response, from_domain_error
from services.gateway.http.jsonio import DecimalJSONResponse

log = get_logger(__name__)

# What a dependency out of reach raises; anything else of these classes is still a bug (500).
OUTAGE_CLASSES: tuple[type[Exception], ...] = (
    OSError,
    sqlalchemy.exc.SQLAlchemyError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    nats.errors.Error,
)


async def handle_outage(request: Request, exc: Exception) -> DecimalJSONResponse:
    dependency = dependency_down(exc)
    if dependency is None:
        raise exc
    log.warning_limited(
        "dependency.unavailable",
        key=dependency,
        dependency=dependency,
        path=request.url.path,
        error=str(exc)[:300] or type(exc).__name__,
    )
    api = from_domain_error(unavailable(dependency))
    return error_response(api.status, api.code, api.message, api.details, api.headers)


def outage_handlers() -> dict[Any, Any]:
    return dict.fromkeys(OUTAGE_CLASSES, handle_outage)
