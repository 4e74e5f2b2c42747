"""gRPC servicers of the invoicing service: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from costgrid.invoicing.v1 import service_pb2 as pb
from costgrid.invoicing.v1 import service_pb2_grpc as grpc_invoicing

from services.common.server import Runtime, service_name


class InvoiceApi(grpc_invoicing.InvoiceServiceServicer):
    """Every RPC answers UNIMPLEMENTED until issue 6 lands."""


def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
    grpc_invoicing.add_InvoiceServiceServicer_to_server(InvoiceApi(), server)
    return [service_name(pb, "InvoiceService")]
