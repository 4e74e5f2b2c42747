"""gRPC servicers of the metering service: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from costgrid.metering.v1 import service_pb2 as pb
from costgrid.metering.v1 import service_pb2_grpc as grpc_metering

from services.common.server import Runtime, service_name


class MeteringApi(grpc_metering.MeteringServiceServicer):
    """Every RPC answers UNIMPLEMENTED until issue 8 lands."""


def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
    grpc_metering.add_MeteringServiceServicer_to_server(MeteringApi(), server)
    return [service_name(pb, "MeteringService")]
