"""REST routes of the ingest service: syncs and cost queries (under /costs), cloud accounts and
FOCUS uploads."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal, cast

from costgrid.ingest.v1 import service_pb2 as ingest_pb
from costgrid.ingest.v1 import service_pb2_grpc as ingest_grpc
from fastapi import Header, Query, Request
from pydantic import BaseModel, Field

from services.gateway.http import definitions, protojson, uploads
from services.gateway.http.cost_views import Overview, Trend, overview_json, trend_json
from services.gateway.http.jsonio import DecimalJSONResponse
from services.gateway.http.params import Admin, Currency, Day, Id, Member, ProviderId, Viewer
from services.gateway.http.proto_routes import Handler, Route, Rpc, routes
from services.gateway.http.registry import Router, call

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


def _accounts(method: str) -> Rpc:
    return Rpc(ingest_pb, ingest_grpc, "CloudAccountService", method)


def _sync(method: str) -> Rpc:
    return Rpc(ingest_pb, ingest_grpc, "SyncService", method)


def _costs(method: str) -> Rpc:
    return Rpc(ingest_pb, ingest_grpc, "CostQueryService", method)


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


async def trigger_sync(
    request: Request,
    caller: Member,
    body: SyncBody | None = None,
    idempotency_key: IdempotencyKey = None,
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


async def overview(
    request: Request,
    caller: Viewer,
    as_of_date: Day | None = None,
    currency: Currency | None = None,
) -> DecimalJSONResponse:
    message = ingest_pb.GetOverviewRequest(as_of_date=as_of_date or "")
    answer = await call(request, "ingest", ingest_grpc.CostQueryServiceStub, "GetOverview", message)
    default = request.app.state.settings.gateway_default_currency
    return DecimalJSONResponse(overview_json(answer, currency or "", default))


GroupBy = Annotated[
    str,
    Query(
        pattern=r"^(provider|provider_type|service|region|account|none|tag:.{1,100})$",
        description=definitions.GROUP_BY,
    ),
]


async def trend(
    request: Request,
    caller: Viewer,
    provider_id: ProviderId = None,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    granularity: Literal["day", "week", "month"] = "day",
    group_by: GroupBy = "provider",
    as_of_date: Day | None = None,
) -> DecimalJSONResponse:
    grouping = "" if group_by == "none" else group_by
    message = ingest_pb.GetTrendRequest(
        days=days,
        granularity=cast(
            ingest_pb.Granularity.ValueType,
            protojson.enum_number(ingest_pb.Granularity.DESCRIPTOR, granularity, "granularity"),
        ),
        group_by=grouping,
        account_ids=[provider_id] if provider_id else [],
        as_of_date=as_of_date or "",
    )
    answer = await call(request, "ingest", ingest_grpc.CostQueryServiceStub, "GetTrend", message)
    return DecimalJSONResponse(trend_json(answer, granularity, grouping))


async def upload_focus_file(
    request: Request,
    caller: Admin,
    account_id: Id,
    content_type: Annotated[str | None, Header(max_length=200)] = None,
    content_encoding: Annotated[str | None, Header(max_length=50)] = None,
    content_length: Annotated[int | None, Header(ge=0)] = None,
    checksum: Annotated[str | None, Header(alias=uploads.CHECKSUM_HEADER, max_length=100)] = None,
    idempotency_key: IdempotencyKey = None,
) -> DecimalJSONResponse:
    header = ingest_pb.UploadFocusFileHeader(
        account_id=account_id,
        content_type=content_type or "",
        content_encoding=content_encoding or "",
        declared_size=content_length or 0,
        sha256=checksum or "",
        request_id=idempotency_key or uuid.uuid4().hex,
    )
    answer = await uploads.send(request, header)
    return DecimalJSONResponse(uploads.started_json(answer), status_code=202)


COSTS = (
    Route(
        "POST /costs/sync",
        "member",
        _sync("TriggerSync"),
        "Pull fresh billing data; answers at once with the job",
        status=202,
        example={"days_back": 7},
        handler=Handler(trigger_sync, SyncStarted),
    ),
    Route("GET /costs/sync", "viewer", _sync("ListSyncJobs"), "Sync jobs, newest first"),
    Route(
        "GET /costs/sync/{job_id}",
        "viewer",
        _sync("GetSyncJob"),
        "A sync job's progress, per account",
        unwrap="sync_job",
    ),
    Route(
        "GET /costs/overview",
        "viewer",
        _costs("GetOverview"),
        "This month against last, per provider account and per provider type",
        description=definitions.OVERVIEW + definitions.OVERVIEW_PROVIDERS,
        handler=Handler(overview, Overview),
    ),
    Route(
        "GET /costs/trend",
        "viewer",
        _costs("GetTrend"),
        "Cost over time, split per provider account unless asked otherwise",
        description=f"`group_by`: {definitions.GROUP_BY}.\n\n"
        f"`provider_id`: {definitions.PROVIDER_ID}.",
        handler=Handler(trend, Trend),
    ),
)

ACCOUNT_EXAMPLE = {
    "cloud_account": {
        "name": "prod-aws",
        "provider": "aws",
        "settings": {"aws": {"cost_metric": "UnblendedCost"}},
    },
    "credentials": {"aws": {"access_key_id": "AKIAEXAMPLE", "secret_access_key": "example"}},
}
DRAFT_EXAMPLE = {
    "draft": {
        "provider": "digitalocean",
        "settings": {"digitalocean": {}},
        "credentials": {"digitalocean": {"token": "example"}},
    }
}
DELETE_ACCOUNT = (
    "Removes the account and its costs from every figure, at once: overview, trends, "
    "breakdowns, budget spend, forecasts and anomalies stop counting it, and invoices not "
    "issued yet (drafts) that bill it are removed; issued invoices are documents and stay as "
    "issued. Its past sync jobs still name it. This cannot be undone: to stop syncing an "
    "account but keep its history, archive it instead (`POST .../archive`)."
)
ARCHIVE_ACCOUNT = (
    "Stops the account for good: it is never synced again (a sync of every account lists it "
    "as skipped, `archived`) and its stored credentials are erased. Its cost history stays in "
    'every figure, where its name reads "<name> (archived)"; the account stays listed with '
    "`archived: true` and `archive_time`, and is read-only (updates answer 409). Archiving "
    "twice changes nothing. Delete it later to remove its costs too."
)

ACCOUNTS = (
    Route("GET /cloud-accounts", "viewer", _accounts("ListCloudAccounts"), "List cloud accounts"),
    Route(
        "POST /cloud-accounts",
        "admin",
        _accounts("CreateCloudAccount"),
        "Connect a cloud account",
        status=201,
        example=ACCOUNT_EXAMPLE,
        body="",
        unwrap="cloud_account",
    ),
    Route(
        "POST /cloud-accounts/test-connection",
        "admin",
        _accounts("TestConnection"),
        "Test settings before saving them",
        example=DRAFT_EXAMPLE,
        body="",
    ),
    Route(
        "GET /cloud-accounts/{account_id}",
        "viewer",
        _accounts("GetCloudAccount"),
        "Get a cloud account",
        unwrap="cloud_account",
    ),
    Route(
        "PATCH /cloud-accounts/{account_id}",
        "admin",
        _accounts("UpdateCloudAccount"),
        "Update a cloud account (only the fields sent)",
        example={"name": "renamed"},
        path_fields={"account_id": "cloud_account.id"},
        body="cloud_account",
        extra_body=("credentials",),
        mask=True,
        unwrap="cloud_account",
    ),
    Route(
        "DELETE /cloud-accounts/{account_id}",
        "admin",
        _accounts("DeleteCloudAccount"),
        "Delete a cloud account and every cost it brought",
        status=204,
        description=DELETE_ACCOUNT,
    ),
    Route(
        "POST /cloud-accounts/{account_id}/archive",
        "admin",
        _accounts("ArchiveCloudAccount"),
        "Archive a cloud account: no more syncs, history kept",
        example={},
        body="",
        unwrap="cloud_account",
        description=ARCHIVE_ACCOUNT,
    ),
    Route(
        "POST /cloud-accounts/{account_id}/test-connection",
        "admin",
        _accounts("TestConnection"),
        "Test a stored account's connection",
        example={},
        variant="stored",
        body="",
    ),
    Route(
        "POST /cloud-accounts/{account_id}/uploads",
        "admin",
        _sync("UploadFocusFile"),
        "Upload a FOCUS export file and import it",
        status=202,
        description=uploads.DESCRIPTION,
        handler=Handler(upload_focus_file, uploads.UploadStarted, openapi_extra=uploads.OPENAPI),
    ),
)


def add_routes(router: Router) -> None:
    routes(router, "costs", COSTS)
    routes(router, "cloud-accounts", ACCOUNTS)
