"""The ingest service's gRPC surface: one servicer module per service in the contract."""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from costgrid.ingest.v1 import service_pb2 as pb
from costgrid.ingest.v1 import service_pb2_grpc as grpc_ingest

from services.common.server import service_name
from services.ingest.api.account_service import CloudAccountApi
from services.ingest.api.cost_query_service import CostQueryApi
from services.ingest.api.sync_service import SyncApi
from services.ingest.deps import Deps


def register(server: grpc.aio.Server, deps: Deps) -> Iterable[str]:
    grpc_ingest.add_CloudAccountServiceServicer_to_server(CloudAccountApi(deps), server)
    grpc_ingest.add_SyncServiceServicer_to_server(SyncApi(deps), server)
    grpc_ingest.add_CostQueryServiceServicer_to_server(CostQueryApi(deps.db), server)
    return [
        service_name(pb, "CloudAccountService"),
        service_name(pb, "SyncService"),
        service_name(pb, "CostQueryService"),
    ]
