"""The cost routes, in exactly the shapes existing clients use.

One vocabulary: a "provider" (`provider_id`, `by_provider`, `group_by=provider`) is a
connected provider account; a "provider type" (`by_provider_type`, `group_by=provider_type`)
is the cloud that billed the cost, named as the accounts routes name providers.
"""

import uuid
from typing import Annotated, Any, Literal, cast

from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.budgets.v1 import service_pb2_grpc as budgets_grpc
from costgrid.ingest.v1 import service_pb2 as ingest_pb
from costgrid.ingest.v1 import service_pb2_grpc as ingest_grpc
from fastapi import Depends, Header, Query, Request
from pydantic import BaseModel, Field

from services.common.caller import Caller
from services.gateway.http import definitions, protojson
from services.gateway.http.anomaly_views import AnomalyList, anomaly_list_json
from services.gateway.http.auth import require
from services.gateway.http.cost_views import forecast_json, overview_json, trend_json
from services.gateway.http.jsonio import DecimalJSONResponse
from services.gateway.http.proto_routes import Rpc, route
from services.gateway.http.registry import RouteInfo, Router, call
from services.gateway.http.schemas import Amount

ProviderId = Annotated[int | None, Query(ge=1, le=2**63 - 1, description=definitions.PROVIDER_ID)]
Day = Annotated[
    str,
    Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD (UTC), 2000-01-01..2099-12-31"),
]
Currency = Annotated[str, Query(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. USD")]


class SyncBody(BaseModel):
    model_config = {"extra": "forbid"}
    days_back: int | None = Field(default=None, ge=1, le=365)
    account_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = None


class SkippedAccount(BaseModel):
    account_id: int
    account_name: str
    reason: Literal["demo", "inactive", "archived"]


class SyncStarted(BaseModel):
    job_id: int
    status: str
    skipped: list[SkippedAccount] = Field(
        description="Accounts a sync of every account left out, and why (empty when "
        "`account_ids` names the accounts)"
    )


class Span(BaseModel):
    amount: Amount
    currency: str
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None


class ProviderAmount(BaseModel):
    provider_id: int = Field(description=definitions.PROVIDER_ID)
    name: str
    provider: str | None = Field(description="The account's provider type")
    amount: Amount


class ProviderTypeAmount(BaseModel):
    provider: str = Field(description="The provider type: " + definitions.PROVIDER_TYPES)
    amount: Amount


class OverviewBlock(BaseModel):
    current_month: Span
    last_month: Span
    mom_change_percent: Amount | None
    daily_average: Span
    month_end_forecast: Span
    by_provider: list[ProviderAmount] = Field(
        description="Month to date per connected provider account, largest first"
    )
    by_provider_type: list[ProviderTypeAmount] = Field(
        description="Month to date per provider type, largest first"
    )


class Overview(OverviewBlock):
    providers_present: list[str | None]
    currencies: list[OverviewBlock]


class TrendPoint(BaseModel):
    date: str
    amount: Amount
    currency: str
    breakdown: dict[str, Amount]


class Trend(BaseModel):
    period: dict[str, str]
    granularity: str
    group_by: str | None
    data: list[TrendPoint]


class ForecastDay(BaseModel):
    date: str
    amount: Amount
    lower: Amount
    upper: Amount


class ForecastBlock(BaseModel):
    currency: str
    projected_total: Amount
    confidence_interval: dict[str, Amount]
    method: str | None
    history_days: int
    daily: list[ForecastDay]


class Forecast(ForecastBlock):
    forecast_days: int
    period: dict[str, str]
    currencies: list[ForecastBlock]


def _info(spec: str, role: str, service: str, rpc: str, summary: str, **kw: Any) -> RouteInfo:
    method, path = spec.split(" ", 1)
    return RouteInfo(method, path, role, service, rpc, summary, tag="costs", **kw)


def _sync(method: str) -> Rpc:
    return Rpc(ingest_pb, ingest_grpc, "SyncService", method)


def _anomalies(method: str) -> Rpc:
    return Rpc(budgets_pb, budgets_grpc, "AnomalyService", method)


def add_cost_routes(r: Router, default_currency: str) -> None:
    sync_info = _info("POST /costs/sync", "member", "ingest", "SyncService.TriggerSync",
                      "Pull fresh billing data; answers at once with the job", status=202,
                      example={"days_back": 7})  # fmt: skip

    async def trigger_sync(
        request: Request,
        caller: Annotated[Caller, Depends(require("member"))],
        body: SyncBody | None = None,
        idempotency_key: Annotated[
            str | None, Header(alias="Idempotency-Key", max_length=200)
        ] = None,
    ) -> DecimalJSONResponse:
        message = ingest_pb.TriggerSyncRequest(
            account_ids=(body.account_ids or []) if body else [],
            days_back=(body.days_back or 0) if body else 0,
            request_id=idempotency_key or uuid.uuid4().hex,
        )
        answer = await call(request, "ingest", ingest_grpc.SyncServiceStub, "TriggerSync", message)
        status = protojson.enum_name(ingest_pb.SyncJobStatus.DESCRIPTOR, answer.status)
        skipped = [protojson.to_json(s) for s in answer.skipped]
        return DecimalJSONResponse(
            {"job_id": answer.job_id, "status": status, "skipped": skipped}, status_code=202
        )

    r.add(sync_info, trigger_sync, SyncStarted)
    route(r, "GET /costs/sync", "viewer", _sync("ListSyncJobs"), "Sync jobs, newest first",
          tag="costs")  # fmt: skip
    route(r, "GET /costs/sync/{job_id}", "viewer", _sync("GetSyncJob"),
          "A sync job's progress, per account", unwrap="sync_job", tag="costs")  # fmt: skip

    async def overview(
        request: Request,
        caller: Annotated[Caller, Depends(require("viewer"))],
        as_of_date: Day | None = None,
        currency: Currency | None = None,
    ) -> DecimalJSONResponse:
        message = ingest_pb.GetOverviewRequest(as_of_date=as_of_date or "")
        answer = await call(
            request, "ingest", ingest_grpc.CostQueryServiceStub, "GetOverview", message
        )
        return DecimalJSONResponse(overview_json(answer, currency or "", default_currency))

    r.add(_info("GET /costs/overview", "viewer", "ingest", "CostQueryService.GetOverview",
                "This month against last, per provider account and per provider type",
                description=definitions.OVERVIEW + definitions.OVERVIEW_PROVIDERS),
          overview, Overview)  # fmt: skip

    async def trend(
        request: Request,
        caller: Annotated[Caller, Depends(require("viewer"))],
        provider_id: ProviderId = None,
        days: Annotated[int, Query(ge=1, le=365)] = 30,
        granularity: Literal["day", "week", "month"] = "day",
        group_by: Annotated[
            str,
            Query(
                pattern=r"^(provider|provider_type|service|region|account|none|tag:.{1,100})$",
                description=definitions.GROUP_BY,
            ),
        ] = "provider",
        as_of_date: Day | None = None,
    ) -> DecimalJSONResponse:
        message = ingest_pb.GetTrendRequest(
            days=days,
            granularity=cast(
                ingest_pb.Granularity.ValueType,
                protojson.enum_number(ingest_pb.Granularity.DESCRIPTOR, granularity, "granularity"),
            ),
            group_by="" if group_by == "none" else group_by,
            account_ids=[provider_id] if provider_id else [],
            as_of_date=as_of_date or "",
        )
        answer = await call(
            request, "ingest", ingest_grpc.CostQueryServiceStub, "GetTrend", message
        )
        return DecimalJSONResponse(
            trend_json(answer, granularity, "" if group_by == "none" else group_by)
        )

    r.add(_info("GET /costs/trend", "viewer", "ingest", "CostQueryService.GetTrend",
                "Cost over time, split per provider account unless asked otherwise",
                description=f"`group_by`: {definitions.GROUP_BY}.\n\n"
                f"`provider_id`: {definitions.PROVIDER_ID}."),
          trend, Trend)  # fmt: skip

    async def forecast(
        request: Request,
        caller: Annotated[Caller, Depends(require("viewer"))],
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
        return DecimalJSONResponse(forecast_json(answer, currency or "", default_currency))

    r.add(_info("GET /costs/forecast", "viewer", "budgets", "ForecastService.GetForecast",
                "Projected spend with a confidence interval",
                description=definitions.FORECAST), forecast, Forecast)  # fmt: skip

    async def anomalies(
        request: Request,
        caller: Annotated[Caller, Depends(require("viewer"))],
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

    r.add(_info("GET /costs/anomalies", "viewer", "budgets", "AnomalyService.ListAnomalies",
                "Days whose spend rose above the expected range, newest first",
                description=definitions.ANOMALY_LIST), anomalies, AnomalyList)  # fmt: skip
    route(r, "GET /costs/anomalies/{anomaly_id}", "viewer", _anomalies("GetAnomaly"),
          "Get an anomaly with its root causes", unwrap="anomaly", tag="costs",
          description=definitions.ANOMALY)  # fmt: skip
    route(r, "POST /costs/anomalies/{anomaly_id}/dismiss", "member", _anomalies("DismissAnomaly"),
          "Dismiss an anomaly with a reason", example={"reason": "Planned migration"}, body="",
          unwrap="anomaly", tag="costs")  # fmt: skip
    route(r, "GET /costs/anomaly-settings", "viewer", _anomalies("GetAnomalySettings"),
          "Thresholds that keep noise out", unwrap="settings", tag="costs")  # fmt: skip
    route(r, "PATCH /costs/anomaly-settings", "member", _anomalies("UpdateAnomalySettings"),
          "Change the thresholds (only the fields sent)", example={"min_impact_percent": 20},
          body="settings", mask=True, unwrap="settings", tag="costs")  # fmt: skip
