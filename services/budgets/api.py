"""gRPC servicers of the budgets service: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from costgrid.budgets.v1 import service_pb2 as pb
from costgrid.budgets.v1 import service_pb2_grpc as grpc_budgets

from services.common.server import Runtime, service_name


class BudgetApi(grpc_budgets.BudgetServiceServicer):
    """Every RPC answers UNIMPLEMENTED until issue 4 lands."""


class ForecastApi(grpc_budgets.ForecastServiceServicer):
    """Every RPC answers UNIMPLEMENTED until issue 4 lands."""


class AnomalyApi(grpc_budgets.AnomalyServiceServicer):
    """Every RPC answers UNIMPLEMENTED until issue 4 lands."""


def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
    grpc_budgets.add_BudgetServiceServicer_to_server(BudgetApi(), server)
    grpc_budgets.add_ForecastServiceServicer_to_server(ForecastApi(), server)
    grpc_budgets.add_AnomalyServiceServicer_to_server(AnomalyApi(), server)
    return [service_name(pb, "BudgetService"), service_name(pb, "ForecastService"), service_name(pb, "AnomalyService")]
