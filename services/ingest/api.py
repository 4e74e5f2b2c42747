"""gRPC servicers of the ingest service: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from costgrid.ingest.v1 import service_pb2 as pb
from costgrid.ingest.v1 import service_pb2_grpc as grpc_ingest

from services.common.server import Runtime, service_name


class CloudAccountApi(grpc_ingest.CloudAccountServiceServicer):
    """Every RPC answers UNIMPLEMENTED until issue 3 lands."""


class SyncApi(grpc_ingest.SyncServiceServicer):
    """Every RPC answers UNIMPLEMENTED until issue 3 lands."""


class CostQueryApi(grpc_ingest.CostQueryServiceServicer):
    """Every RPC answers UNIMPLEMENTED until issue 3 lands."""


def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
    grpc_ingest.add_CloudAccountServiceServicer_to_server(CloudAccountApi(), server)
    grpc_ingest.add_SyncServiceServicer_to_server(SyncApi(), server)
    grpc_ingest.add_CostQueryServiceServicer_to_server(CostQueryApi(), server)
    return [service_name(pb, "CloudAccountService"), service_name(pb, "SyncService"), service_name(pb, "CostQueryService")]
