"""Reading rich errors on the client side (gateway, tests, service-to-service calls)."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

from services.common.interceptors import STATUS_DETAILS_KEY


def _details(error: grpc.RpcError) -> Iterator[any_pb2.Any]:
    trailing = error.trailing_metadata() or ()  # type: ignore[attr-defined]
    for key, value in trailing:
        if key == STATUS_DETAILS_KEY:
            yield from status_pb2.Status.FromString(value).details


def error_info(error: grpc.RpcError) -> error_details_pb2.ErrorInfo | None:
    for detail in _details(error):
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info
    return None


def retry_delay(error: grpc.RpcError) -> float | None:
    """The `google.rpc.RetryInfo` delay the service asked for, in seconds, if it sent one."""
    for detail in _details(error):
        retry = error_details_pb2.RetryInfo()
        if detail.Unpack(retry):
            delay: float = retry.retry_delay.seconds + retry.retry_delay.nanos / 1e9
            return delay
    return None
