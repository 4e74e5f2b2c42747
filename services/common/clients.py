"""Outgoing gRPC calls: channels that carry the signed caller context and the request id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import grpc

from services.common import caller as callers
from services.common.logging import request_id_var, trace_id_var


class _ContextInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    def __init__(self, key: bytes, caller_of: Callable[[], callers.Caller | None]) -> None:
        self._key = key
        self._caller_of = caller_of

    async def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        metadata = list(details.metadata or ())
        caller = self._caller_of()
        if caller is not None and not any(k == callers.CALLER_KEY for k, _ in metadata):
            metadata.extend(callers.sign(caller, self._key))
        if (rid := request_id_var.get()) and not any(k == "x-request-id" for k, _ in metadata):
            metadata.append(("x-request-id", rid))
        if trace := trace_id_var.get():
            metadata.append(("traceparent", f"00-{trace}-{'0' * 15}1-01"))
        new_details = grpc.aio.ClientCallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
        )
        return await continuation(new_details, request)


def channel(
    target: str,
    signing_key: bytes,
    caller_of: Callable[[], callers.Caller | None] = callers.maybe_current_caller,
    options: Sequence[tuple[str, Any]] = (),
) -> grpc.aio.Channel:
    """By default the current call's caller is propagated to the service being called."""
    return grpc.aio.insecure_channel(
        target, options=options, interceptors=[_ContextInterceptor(signing_key, caller_of)]
    )
