"""gRPC servicer of CloudAccountService: proto in, handler call, proto out."""

from __future__ import annotations

from costgrid.ingest.v1 import service_pb2_grpc as grpc_ingest


class CloudAccountApi(grpc_ingest.CloudAccountServiceServicer):
    """Every RPC answers UNIMPLEMENTED until issue 3 lands."""
