"""Reading rich errors on the client side (gateway, tests, service-to-service calls)."""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2, status_pb2

from services.common.interceptors import STATUS_DETAILS_KEY


def error_info(error: grpc.RpcError) -> error_details_pb2.ErrorInfo | None:
    trailing = error.trailing_metadata() or ()  # type: ignore[attr-defined]
    for key, value in trailing:
        if key == STATUS_DETAILS_KEY:
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    return info
    return None
