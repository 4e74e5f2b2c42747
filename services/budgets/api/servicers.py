"""gRPC servicers of the budgets service, registered on the server."""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from costgrid.budgets.v1 import service_pb2 as pb
from costgrid.budgets.v1 import service_pb2_grpc as grpc_budgets

from services.budgets.api.budgets import BudgetApi
from services.budgets.api.insights import AnomalyApi, ForecastApi
from services.budgets.deps import Deps
from services.common.server import service_name


def register(server: grpc.aio.Server, deps: Deps) -> Iterable[str]:
    grpc_budgets.add_BudgetServiceServicer_to_server(BudgetApi(deps), server)
    grpc_budgets.add_ForecastServiceServicer_to_server(ForecastApi(deps), server)
    grpc_budgets.add_AnomalyServiceServicer_to_server(AnomalyApi(deps), server)
    return [
        service_name(pb, name) for name in ("BudgetService", "ForecastService", "AnomalyService")
    ]
