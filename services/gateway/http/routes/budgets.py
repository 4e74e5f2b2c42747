"""REST routes of the budgets service: forecasts and anomalies (under /costs), budgets and
their alerts."""

from __future__ import annotations

from typing import Annotated, Literal, cast

from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.budgets.v1 import service_pb2_grpc as budgets_grpc
from fastapi import Query, Request

from services.gateway.http import definitions, protojson
from services.gateway.http.anomaly_views import (
    AnomalyItem,
    AnomalyList,
    anomaly_item,
    anomaly_list_json,
)
from services.gateway.http.cost_views import Forecast, forecast_json
from services.gateway.http.jsonio import DecimalJSONResponse
from services.gateway.http.params import Currency, ProviderId, Viewer
from services.gateway.http.proto_routes import Handler, Route, Rpc, View, routes
from services.gateway.http.registry import Router, call

# One anomaly reads as the list's items do, so clients see one shape.
ANOMALY = View(AnomalyItem, anomaly_item)


def _budgets(method: str) -> Rpc:
    return Rpc(budgets_pb, budgets_grpc, "BudgetService", method)


def _anomalies(method: str) -> Rpc:
    return Rpc(budgets_pb, budgets_grpc, "AnomalyService", method)


def _forecasts(method: str) -> Rpc:
    return Rpc(budgets_pb, budgets_grpc, "ForecastService", method)


async def forecast(
    request: Request,
    caller: Viewer,
    days: Annotated[int, Query(ge=30, le=90, multiple_of=30, description="30, 60 or 90")] = 30,
    provider_id: ProviderId = None,
    confidence_level: Annotated[str | None, Query(pattern=r"^\d{1,2}(\.\d+)?$")] = None,
    currency: Currency | None = None,
) -> DecimalJSONResponse:
    message = budgets_pb.GetForecastRequest(
        days=days,
        account_ids=[provider_id] if provider_id else [],
        confidence_level=confidence_level or "",
    )
    answer = await call(
        request, "budgets", budgets_grpc.ForecastServiceStub, "GetForecast", message
    )
    default = request.app.state.settings.gateway_default_currency
    return DecimalJSONResponse(forecast_json(answer, currency or "", default))


async def anomalies(
    request: Request,
    caller: Viewer,
    provider_id: ProviderId = None,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    status: Literal["active", "dismissed"] | None = None,
    page_size: Annotated[int, Query(ge=0, le=500)] = 0,
    page_token: Annotated[str, Query(max_length=2000)] = "",
) -> DecimalJSONResponse:
    message = budgets_pb.ListAnomaliesRequest(
        page_size=page_size,
        page_token=page_token,
        account_ids=[provider_id] if provider_id else [],
        days=days,
    )
    if status:
        message.status = cast(
            budgets_pb.AnomalyStatus.ValueType,
            protojson.enum_number(budgets_pb.AnomalyStatus.DESCRIPTOR, status, "status"),
        )
    answer = await call(
        request, "budgets", budgets_grpc.AnomalyServiceStub, "ListAnomalies", message
    )
    return DecimalJSONResponse(anomaly_list_json(answer))


COSTS = (
    Route(
        "GET /costs/forecast",
        "viewer",
        _forecasts("GetForecast"),
        "Projected spend with a confidence interval",
        description=definitions.FORECAST,
        handler=Handler(forecast, Forecast),
    ),
    Route(
        "GET /costs/anomalies",
        "viewer",
        _anomalies("ListAnomalies"),
        "Days whose spend rose above the expected range, newest first",
        description=definitions.ANOMALY_LIST,
        handler=Handler(anomalies, AnomalyList),
    ),
    Route(
        "GET /costs/anomalies/{anomaly_id}",
        "viewer",
        _anomalies("GetAnomaly"),
        "Get an anomaly with its root causes",
        unwrap="anomaly",
        view=ANOMALY,
        description=definitions.ANOMALY,
    ),
    Route(
        "POST /costs/anomalies/{anomaly_id}/dismiss",
        "member",
        _anomalies("DismissAnomaly"),
        "Dismiss an anomaly with a reason",
        example={"reason": "Planned migration"},
        body="",
        unwrap="anomaly",
        view=ANOMALY,
    ),
    Route(
        "GET /costs/anomaly-settings",
        "viewer",
        _anomalies("GetAnomalySettings"),
        "Thresholds that keep noise out",
        unwrap="settings",
    ),
    Route(
        "PATCH /costs/anomaly-settings",
        "member",
        _anomalies("UpdateAnomalySettings"),
        "Change the thresholds (only the fields sent)",
        example={"min_impact_percent": 20},
        body="settings",
        mask=True,
        unwrap="settings",
    ),
)

BUDGET_EXAMPLE = {
    "name": "Monthly AWS",
    "amount": {"amount": 5000, "currency": "USD"},
    "period": "monthly",
    "alert_threshold_percent": 80,
}

BUDGETS = (
    Route(
        "GET /budgets",
        "viewer",
        _budgets("ListBudgets"),
        "List budgets with their current status",
        description=definitions.BUDGET_STATUS,
    ),
    Route(
        "POST /budgets",
        "member",
        _budgets("CreateBudget"),
        "Create a budget",
        status=201,
        example=BUDGET_EXAMPLE,
        body="budget",
        unwrap="budget",
    ),
    Route(
        "GET /budgets/{budget_id}",
        "viewer",
        _budgets("GetBudget"),
        "Get a budget",
        unwrap="budget",
        description=definitions.BUDGET_STATUS,
    ),
    Route(
        "PATCH /budgets/{budget_id}",
        "member",
        _budgets("UpdateBudget"),
        "Update a budget (only the fields sent)",
        example={"name": "renamed"},
        path_fields={"budget_id": "budget.id"},
        body="budget",
        mask=True,
        unwrap="budget",
    ),
    Route(
        "DELETE /budgets/{budget_id}",
        "member",
        _budgets("DeleteBudget"),
        "Delete a budget",
        status=204,
    ),
    Route(
        "GET /budgets/{budget_id}/status",
        "viewer",
        _budgets("GetBudgetStatus"),
        "A budget's standing this period",
        unwrap="status",
        description=definitions.BUDGET_STATUS,
    ),
    Route(
        "GET /budgets/{budget_id}/alerts",
        "viewer",
        _budgets("ListBudgetAlerts"),
        "Alerts one budget fired, newest first",
        variant="budget",
    ),
    Route(
        "GET /budget-alerts",
        "viewer",
        _budgets("ListBudgetAlerts"),
        "Alerts of every budget, newest first",
    ),
)


def add_routes(router: Router) -> None:
    routes(router, "costs", COSTS)
    routes(router, "budgets", BUDGETS)
