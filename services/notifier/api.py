"""gRPC servicers of the notifier service: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from costgrid.notifier.v1 import service_pb2 as pb
from costgrid.notifier.v1 import service_pb2_grpc as grpc_notifier

from services.common.server import Runtime, service_name


class NotificationApi(grpc_notifier.NotificationServiceServicer):
    """Every RPC answers UNIMPLEMENTED until issue 7 lands."""


def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
    grpc_notifier.add_NotificationServiceServicer_to_server(NotificationApi(), server)
    return [service_name(pb, "NotificationService")]
