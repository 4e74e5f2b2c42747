"""Server interceptor: request/trace ids, caller context, logging, metrics, error mapping.

Domain errors become their gRPC status with a `google.rpc.ErrorInfo`; PostgreSQL or NATS out of
reach becomes UNAVAILABLE with a `google.rpc.RetryInfo` and a rate-limited log line; anything
unexpected becomes INTERNAL carrying the request id, never a traceback.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import error_details_pb2, status_pb2
from prometheus_client import Counter, Histogram

from services.common import caller as callers
from services.common.errors import DomainError, InvalidArgument, Unauthenticated
from services.common.logging import get_logger, org_id_var, request_id_var, trace_id_var
from services.common.message_size import TooLarge, checked_deserializer, too_large
from services.common.outages import dependency_down, unavailable
from services.common.servicer import Ctx

log = get_logger(__name__)

REQUESTS = Counter(
    "costgrid_grpc_requests_total", "gRPC requests handled", ["service", "method", "code"]
)
LATENCY = Histogram(
    "costgrid_grpc_request_seconds",
    "gRPC request latency",
    ["service", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

_OPEN_METHODS = ("/grpc.health.v1.Health/", "/grpc.reflection.")
STATUS_DETAILS_KEY = "grpc-status-details-bin"


def rich_status(
    code: grpc.StatusCode, message: str, reason: str, domain: str, metadata: dict[str, str]
) -> bytes:
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason=reason, domain=domain, metadata=metadata))
    details = [info]
    if retry_after := metadata.get("retry_after_seconds"):
        retry = any_pb2.Any()
        delay = duration_pb2.Duration(seconds=int(float(retry_after)))
        retry.Pack(error_details_pb2.RetryInfo(retry_delay=delay))
        details.append(retry)
    status: bytes = status_pb2.Status(
        code=code.value[0], message=message, details=details
    ).SerializeToString()
    return status


def _trace_id(metadata: dict[str, str]) -> str:
    parent = metadata.get("traceparent", "")
    parts = parent.split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else uuid.uuid4().hex


class ServiceInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, service: str, signing_key: bytes, max_message_bytes: int) -> None:
        self._service = service
        self._key = signing_key
        self._max_message_bytes = max_message_bytes

    async def intercept_service(
        self, continuation: Callable[..., Awaitable[Any]], details: grpc.HandlerCallDetails
    ) -> Any:
        handler = await continuation(details)
        if handler is None or details.method.startswith(_OPEN_METHODS):
            return handler
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                self._wrap(handler.unary_unary, details.method),
                request_deserializer=checked_deserializer(
                    handler.request_deserializer, self._max_message_bytes
                ),
                response_serializer=handler.response_serializer,
            )
        if handler.stream_unary:  # the request is the stream of messages; the rest is the same
            return grpc.stream_unary_rpc_method_handler(
                self._wrap(handler.stream_unary, details.method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler

    def _wrap(self, behavior: Callable[..., Awaitable[Any]], method: str) -> Callable[..., Any]:
        async def wrapped(request: Any, context: Ctx) -> Any:
            metadata = {k: v for k, v in context.invocation_metadata() or () if isinstance(v, str)}
            request_id = metadata.get("x-request-id") or uuid.uuid4().hex
            tokens = [request_id_var.set(request_id), trace_id_var.set(_trace_id(metadata))]
            caller_token = None
            start, code = time.perf_counter(), grpc.StatusCode.OK
            try:
                await context.send_initial_metadata((("x-request-id", request_id),))
                caller = callers.verify(metadata, self._key)
                caller_token = callers.set_caller(caller)
                tokens.append(org_id_var.set(caller.org_id))
                if isinstance(request, TooLarge):
                    raise too_large(request.size, self._max_message_bytes)
                return await behavior(request, context)
            except DomainError as exc:
                code = exc.code
                await self._abort(context, exc, request_id)
            except NotImplementedError:
                code = grpc.StatusCode.UNIMPLEMENTED
                await context.abort(code, f"{method} is not implemented yet")
            except grpc.aio.AbortError:
                code = context.code() or grpc.StatusCode.UNKNOWN
                raise
            except Exception as exc:
                if _is_nul_in_text(exc):
                    code = grpc.StatusCode.INVALID_ARGUMENT
                    await self._abort(context, _NUL_IN_TEXT, request_id)
                elif (dependency := dependency_down(exc)) is not None:
                    code = grpc.StatusCode.UNAVAILABLE
                    log.warning_limited(
                        "dependency.unavailable",
                        key=dependency,
                        dependency=dependency,
                        method=method,
                        error=str(exc)[:300] or type(exc).__name__,
                    )
                    await self._abort(context, unavailable(dependency), request_id)
                else:
                    code = grpc.StatusCode.INTERNAL
                    log.exception("grpc.unhandled", method=method)
                    await context.abort(code, f"internal error (request id {request_id})")
            finally:
                elapsed = time.perf_counter() - start
                REQUESTS.labels(self._service, method, code.name).inc()
                LATENCY.labels(self._service, method).observe(elapsed)
                log.info(
                    "grpc.request",
                    method=method,
                    code=code.name,
                    duration_ms=round(elapsed * 1000, 2),
                )
                if caller_token is not None:
                    callers.reset_caller(caller_token)
                for var, token in zip(
                    (request_id_var, trace_id_var, org_id_var), tokens, strict=False
                ):
                    var.reset(token)

        return wrapped

    async def _abort(self, context: Ctx, exc: DomainError, request_id: str) -> None:
        if isinstance(exc, Unauthenticated):
            log.warning("grpc.unauthenticated", reason=exc.reason)
        details = rich_status(
            exc.code, exc.message, exc.reason, f"{self._service}.costgrid", exc.metadata
        )
        await context.abort(
            exc.code,
            exc.message,
            trailing_metadata=((STATUS_DETAILS_KEY, details), ("x-request-id", request_id)),
        )


# Protobuf strings may hold NUL characters; PostgreSQL text may not, and refuses the statement
# (SQLSTATE 22021) wherever a caller's string reaches it, a filter as much as a stored field.
# The caller's mistake, wherever it surfaces: the transaction has rolled back, nothing changed.
_NUL_IN_TEXT = InvalidArgument("request", "text may not contain NUL (\\x00) characters")


def _is_nul_in_text(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:  # SQLAlchemy wraps asyncpg's error in its own
        if getattr(exc, "sqlstate", None) == "22021" or getattr(exc, "pgcode", None) == "22021":
            return True
        exc = exc.__cause__ or getattr(exc, "orig", None) or exc.__context__
        seen += 1
    return False
