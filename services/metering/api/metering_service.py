"""gRPC servicer of the metering service: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from costgrid.metering.v1 import service_pb2 as pb
from costgrid.metering.v1 import service_pb2_grpc as grpc_metering

from services.common.caller import current_caller
from services.common.db import Database
from services.common.pagination import page_size
from services.common.server import service_name
from services.common.servicer import Ctx
from services.metering.api import convert
from services.metering.api.catalog_rpcs import CatalogRpcs
from services.metering.deps import Deps
from services.metering.handlers import billing, closing
from services.metering.handlers.seen_ids import SeenIds
from services.metering.handlers.usage import record_for_caller

OUTCOMES = {
    "ACCEPTED": pb.USAGE_EVENT_OUTCOME_ACCEPTED,
    "DUPLICATE": pb.USAGE_EVENT_OUTCOME_DUPLICATE,
    "REJECTED": pb.USAGE_EVENT_OUTCOME_REJECTED,
}


class MeteringApi(CatalogRpcs, grpc_metering.MeteringServiceServicer):
    def __init__(self, db: Database, secret: bytes) -> None:
        self.db = db
        self.secret = secret
        self.seen = SeenIds()

    async def RecordUsage(
        self, request: pb.RecordUsageRequest, context: Ctx
    ) -> pb.RecordUsageResponse:
        events, outcomes = await record_for_caller(
            self.db,
            self.seen,
            len(request.events) + len(request.columns.ids),
            lambda: convert.usage_events(request),
        )
        return pb.RecordUsageResponse(
            results=[
                pb.UsageEventResult(
                    event_id=event_id,
                    outcome=OUTCOMES[o.outcome],
                    reject_reason=o.reason,
                    message=o.message,
                )
                for event_id, o in zip(events.ids, outcomes, strict=True)
            ]
        )

    async def GetCurrentEstimate(
        self, request: pb.GetCurrentEstimateRequest, context: Ctx
    ) -> pb.GetCurrentEstimateResponse:
        found = await billing.estimate(self.db, current_caller().org_id, request.tenant_id)
        charges, currency = found.charges, found.charges.currency
        return pb.GetCurrentEstimateResponse(
            tenant_id=found.tenant_id,
            period=found.period,
            period_start=convert.ts(found.start),
            period_end=convert.ts(found.end),
            as_of_time=convert.ts(found.as_of),
            compute=convert.compute_charges(charges.compute_by_meter(), currency),
            base_fee=convert.money(charges.base_fee, currency),
            metrics_overage=convert.money(charges.metrics_overage.amount, currency),
            logs_overage=convert.money(charges.logs_overage.amount, currency),
            credits_applied=convert.money(charges.credits_applied, currency),
            total=convert.money(charges.total, currency),
            allowances=[convert.allowance(u) for u in charges.allowances.values()],
            overage_allowed=charges.overage_allowed,
            plan_windows=convert.plan_windows(found.windows),
        )

    async def GetUsage(self, request: pb.GetUsageRequest, context: Ctx) -> pb.GetUsageResponse:
        view = await billing.usage(
            self.db, current_caller().org_id, request.tenant_id, request.period
        )
        return pb.GetUsageResponse(
            tenant_id=view.tenant_id,
            period=view.period,
            totals=convert.meter_usage(view.totals),
            daily=[
                pb.DailyUsage(date=convert.date_text(day), meters=convert.meter_usage(meters))
                for day, meters in view.daily.items()
            ],
            allowances=[convert.allowance(u) for u in view.allowances.values()],
        )

    async def ClosePeriod(
        self, request: pb.ClosePeriodRequest, context: Ctx
    ) -> pb.ClosePeriodResponse:
        row, already = await closing.close_for_caller(self.db, request.tenant_id, request.period)
        return pb.ClosePeriodResponse(statement=convert.statement(row), already_closed=already)

    async def ListStatements(
        self, request: pb.ListStatementsRequest, context: Ctx
    ) -> pb.ListStatementsResponse:
        org = current_caller().org_id
        limit = page_size(request.page_size)
        scope = f"statements:{request.tenant_id}"
        after = self._page(request.page_token, scope)
        rows = await closing.list_statements(
            self.db,
            org,
            request.tenant_id,
            (str(after[0]), str(after[1]), int(after[2])) if after else None,
            limit,
        )
        key = [rows[-1]["period"], rows[-1]["tenant_id"], rows[-1]["id"]] if rows else []
        return pb.ListStatementsResponse(
            statements=[convert.statement(r) for r in rows],
            next_page_token=self._next(rows, limit, key, scope),
        )

    async def GetStatement(
        self, request: pb.GetStatementRequest, context: Ctx
    ) -> pb.GetStatementResponse:
        row = await closing.get_statement(self.db, current_caller().org_id, request.statement_id)
        return pb.GetStatementResponse(statement=convert.statement(row))


def register(server: grpc.aio.Server, deps: Deps) -> Iterable[str]:
    grpc_metering.add_MeteringServiceServicer_to_server(
        MeteringApi(deps.db, deps.page_secret), server
    )
    return [service_name(pb, "MeteringService")]
