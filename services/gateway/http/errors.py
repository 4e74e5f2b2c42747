"""One error shape for every failure: {"error": {"code", "message", "details"}}, with the
HTTP status mapped from the service's gRPC status."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import grpc
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.common.errors import DomainError
from services.common.errors_client import error_info, retry_delay
from services.common.message_size import REASON as MESSAGE_TOO_LARGE
from services.common.message_size import refused_to_send
from services.common.outages import RETRY_AFTER_SECONDS
from services.gateway.http.jsonio import DecimalJSONResponse

# FAILED_PRECONDITION is 409 by default (the resource's state forbids it); services say
# 422 with an ErrorInfo reason listed here when the request itself cannot be processed.
UNPROCESSABLE_REASONS = frozenset({"UNPROCESSABLE", "UNPROCESSABLE_ENTITY"})
# RESOURCE_EXHAUSTED is 429 (slow down) unless the request itself is too large to take.
TOO_LARGE_REASONS = frozenset({"UPLOAD_TOO_LARGE"})

STATUS_OF: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}


class ApiError(Exception):
    """An answer the gateway itself gives (auth, rate limits, its own validation)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> DecimalJSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return DecimalJSONResponse(body, status_code=status, headers=headers)


def payload_too_large(limit: int, what: str) -> ApiError:
    return ApiError(
        413,
        "PAYLOAD_TOO_LARGE",
        f"{what} is larger than the limit of {limit} bytes",
        {"limit_bytes": limit},
    )


def from_rpc_error(error: grpc.aio.AioRpcError, service: str) -> ApiError:
    if sizes := refused_to_send(error):
        return payload_too_large(sizes[1], f"the request to the {service} service")
    code = error.code()
    status = STATUS_OF.get(code, 500)
    info = error_info(error)
    details: dict[str, Any] = {"service": service}
    reason = code.name
    if info is not None:
        if info.reason == MESSAGE_TOO_LARGE and info.metadata.get("limit_bytes", "").isdigit():
            limit = int(info.metadata["limit_bytes"])
            return payload_too_large(limit, f"the request to the {service} service")
        reason = info.reason or reason
        details.update(info.metadata)
    message = error.details() or code.name.lower()
    if code == grpc.StatusCode.FAILED_PRECONDITION and reason in UNPROCESSABLE_REASONS:
        status = 422
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED and reason in TOO_LARGE_REASONS:
        status = 413
    if code == grpc.StatusCode.UNIMPLEMENTED:
        reason = "NOT_LANDED"
        message = (
            f"This capability has not landed yet: the {service} service does not implement "
            f"it yet ({message})."
        )
    elif code == grpc.StatusCode.UNAVAILABLE and info is None:
        message = f"The {service} service is unavailable right now; try again shortly."
    elif code == grpc.StatusCode.DEADLINE_EXCEEDED:
        message = f"The {service} service did not answer in time."
    elif status == 500:
        reason = "INTERNAL"
        message = f"The {service} service failed; the request id identifies it in the logs."
    if status == 503:
        return unavailable_error(reason, message, details, retry_delay(error))
    return ApiError(status, reason, message, details)


def from_domain_error(error: DomainError) -> ApiError:
    status = STATUS_OF.get(error.code, 500)
    if status == 503:
        return unavailable_error(error.reason, error.message, dict(error.metadata))
    return ApiError(status, error.reason, error.message, dict(error.metadata))


def unavailable_error(
    code: str, message: str, details: dict[str, Any], seconds: float | None = None
) -> ApiError:
    """503 with Retry-After: the service, or what it stands on, is away for now."""
    wait = max(
        1, math.ceil(seconds or float(details.get("retry_after_seconds", RETRY_AFTER_SECONDS)))
    )
    details = {**details, "retry_after_seconds": wait}
    return ApiError(503, code, message, details, headers={"Retry-After": str(wait)})


def _field_of(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or (str(loc[0]) if loc else "body")


async def handle_validation(request: Request, exc: RequestValidationError) -> DecimalJSONResponse:
    errors = exc.errors()
    first = errors[0] if errors else {"loc": ("body",), "msg": "is invalid"}
    field = _field_of(tuple(first.get("loc", ())))
    problems = [
        {"field": _field_of(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))}
        for e in errors[:20]
    ]
    return error_response(
        400,
        "INVALID_ARGUMENT",
        f"{field}: {first.get('msg', 'is invalid')}",
        {"field": field, "problems": problems},
    )


async def handle_api_error(request: Request, exc: ApiError) -> DecimalJSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


async def handle_domain_error(request: Request, exc: DomainError) -> DecimalJSONResponse:
    api = from_domain_error(exc)
    return error_response(api.status, api.code, api.message, api.details, api.headers)


async def handle_http_error(request: Request, exc: StarletteHTTPException) -> DecimalJSONResponse:
    code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "HTTP_ERROR")
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)
