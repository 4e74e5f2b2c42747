"""Outgoing gRPC calls: channels that carry the signed caller context and the request id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import grpc

from services.common import caller as callers
from services.common.logging import request_id_var, trace_id_var


class _ContextInterceptor:
    """Adds the signed caller, the request id and the trace to every outgoing call."""

    def __init__(self, key: bytes, caller_of: Callable[[], callers.Caller | None]) -> None:
        self._key = key
        self._caller_of = caller_of

    def _details(self, details: Any) -> grpc.aio.ClientCallDetails:
        metadata = list(details.metadata or ())
        caller = self._caller_of()
        if caller is not None and not any(k == callers.CALLER_KEY for k, _ in metadata):
            metadata.extend(callers.sign(caller, self._key))
        if (rid := request_id_var.get()) and not any(k == "x-request-id" for k, _ in metadata):
            metadata.append(("x-request-id", rid))
        if trace := trace_id_var.get():
            metadata.append(("traceparent", f"00-{trace}-{'0' * 15}1-01"))
        return grpc.aio.ClientCallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
        )


class _UnaryContext(_ContextInterceptor, grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(self._details(details), request)


class _StreamContext(_ContextInterceptor, grpc.aio.StreamUnaryClientInterceptor):
    """Client-streaming calls (file uploads) carry the same context."""

    async def intercept_stream_unary(
        self, continuation: Any, details: Any, request_iterator: Any
    ) -> Any:
        return await continuation(self._details(details), request_iterator)


def channel(
    target: str,
    signing_key: bytes,
    caller_of: Callable[[], callers.Caller | None] = callers.maybe_current_caller,
    options: Sequence[tuple[str, Any]] = (),
) -> grpc.aio.Channel:
    """By default the current call's caller is propagated to the service being called."""
    interceptors: list[grpc.aio.ClientInterceptor] = [
        _UnaryContext(signing_key, caller_of),
        _StreamContext(signing_key, caller_of),
    ]
    return grpc.aio.insecure_channel(target, options=options, interceptors=interceptors)
