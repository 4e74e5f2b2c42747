"""gRPC servicers of the gateway service: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from costgrid.gateway.v1 import service_pb2 as pb
from costgrid.gateway.v1 import service_pb2_grpc as grpc_gateway

from services.common.server import Runtime, service_name


class TokenApi(grpc_gateway.TokenServiceServicer):
    """Every RPC answers UNIMPLEMENTED until issue 5 lands."""


def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
    grpc_gateway.add_TokenServiceServicer_to_server(TokenApi(), server)
    return [service_name(pb, "TokenService")]
