"""gRPC servicer of CostQueryService: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import grpc
from costgrid.common.v1 import date_range_pb2, provider_pb2
from costgrid.ingest.v1 import service_pb2 as pb
from costgrid.ingest.v1 import service_pb2_grpc as grpc_ingest
from google.protobuf.internal.containers import RepeatedCompositeFieldContainer

from services.common.db import Database
from services.common.errors import InvalidArgument
from services.common.money import decimal_str
from services.common.money import money_proto as _money
from services.common.server import Runtime, service_name
from services.common.servicer import Ctx
from services.ingest.domain import queries as q
from services.ingest.domain import queries_figures as fig
from services.ingest.handlers.cost_queries import CostQueries, TrendQuery

_GRANULARITIES = {
    pb.GRANULARITY_DAY: q.Granularity.DAY,
    pb.GRANULARITY_WEEK: q.Granularity.WEEK,
    pb.GRANULARITY_MONTH: q.Granularity.MONTH,
}


class CostQueryApi(grpc_ingest.CostQueryServiceServicer):
    def __init__(self, db: Database) -> None:
        self._queries = CostQueries(db)

    def _handlers(self) -> CostQueries:
        return self._queries

    async def GetOverview(
        self, request: pb.GetOverviewRequest, context: Ctx
    ) -> pb.GetOverviewResponse:
        overview = await self._handlers().overview(request.as_of_date)
        return pb.GetOverviewResponse(
            current_period=_range(overview.periods.current),
            last_month_period=_range(overview.periods.last_month),
            currencies=[
                pb.CurrencyOverview(
                    currency_code=c.currency,
                    month_to_date=_money(c.month_to_date, c.currency),
                    last_month=_money(c.last_month, c.currency),
                    mom_change_percent=_percent(c.rate.mom_change_percent),
                    daily_average=_money(c.rate.daily_average.amount, c.currency),
                    projected_month_end=_money(c.rate.projected_month_end.amount, c.currency),
                    by_provider=[
                        pb.ProviderCost(
                            provider=_provider_enum(kind.upper()),
                            amount=_money(a, c.currency),
                            provider_type=kind,
                        )
                        for kind, a in c.by_provider
                    ],
                    by_account=[
                        pb.AccountCost(
                            account_id=a.account_id,
                            account_name=a.name,
                            provider=_provider_enum(a.provider),
                            amount=_money(a.amount, c.currency),
                        )
                        for a in c.by_account
                    ],
                )
                for c in overview.currencies
            ],
            providers_present=[_provider_enum(p) for p in overview.providers_present],
        )

    async def GetTrend(self, request: pb.GetTrendRequest, context: Ctx) -> pb.GetTrendResponse:
        trend = await self._handlers().trend(
            TrendQuery(
                days=request.days,
                granularity=_GRANULARITIES.get(request.granularity),
                group_by=request.group_by,
                filters=_filters(request.account_ids, request.provider),
                as_of_date=request.as_of_date,
            )
        )
        response = pb.GetTrendResponse(period=_range(trend.period))
        add_point = response.points.add
        for point in trend.points:
            added = add_point(
                date=point.day.isoformat(),
                amount={"currency_code": point.currency, "amount": decimal_str(point.amount)},
            )
            if point.breakdown.keys:
                _add_columns(added.breakdown, point.breakdown, point.currency)
        return response

    async def GetBreakdown(
        self, request: pb.GetBreakdownRequest, context: Ctx
    ) -> pb.GetBreakdownResponse:
        period = q.parse_period(request.period.start_date, request.period.end_date)
        splits = await self._handlers().breakdown(
            period,
            request.dimension,
            request.top_n,
            _filters(request.account_ids, request.provider),
        )
        return pb.GetBreakdownResponse(
            currencies=[
                pb.CurrencyBreakdown(
                    currency_code=s.currency,
                    total=_money(s.total, s.currency),
                    items=_items(s.items, s.currency),
                    other=_money(s.other, s.currency),
                )
                for s in splits
            ]
        )

    async def SumCosts(self, request: pb.SumCostsRequest, context: Ctx) -> pb.SumCostsResponse:
        period = q.parse_period(request.period.start_date, request.period.end_date)
        totals = await self._handlers().sum_costs(request.account_id, period)
        return pb.SumCostsResponse(
            account_name=totals.name,
            provider=_provider_enum(totals.provider),
            totals=[_money(m.amount, m.currency) for m in totals.totals],
            by_service=[
                pb.ServiceCost(service=service, amount=_money(m.amount, m.currency))
                for service, m in totals.by_service
            ],
            first_cost_date=totals.first_day.isoformat() if totals.first_day else "",
        )


def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
    """Only the cost queries, for running them on their own (tests, benchmarks)."""
    grpc_ingest.add_CostQueryServiceServicer_to_server(CostQueryApi(runtime.db), server)
    return [service_name(pb, "CostQueryService")]


def _filters(account_ids: Iterable[int], provider: provider_pb2.Provider.ValueType) -> q.Filters:
    ids = tuple(dict.fromkeys(account_ids))
    if any(i <= 0 for i in ids):
        raise InvalidArgument("account_ids", "ids must be positive")
    return q.Filters(account_ids=ids, provider=_provider_name(provider))


def _provider_name(value: provider_pb2.Provider.ValueType) -> str | None:
    if value == provider_pb2.PROVIDER_UNSPECIFIED:
        return None
    try:
        return provider_pb2.Provider.Name(value).removeprefix("PROVIDER_")
    except ValueError as exc:
        raise InvalidArgument("provider", f"unknown provider {value}") from exc


def _provider_enum(name: str) -> provider_pb2.Provider.ValueType:
    try:
        return provider_pb2.Provider.Value(f"PROVIDER_{name}")
    except ValueError:
        return provider_pb2.PROVIDER_UNSPECIFIED


def _percent(value: Decimal | None) -> str:
    return "" if value is None else decimal_str(value)


def _range(period: q.Period) -> date_range_pb2.DateRange:
    return date_range_pb2.DateRange(
        start_date=period.start.isoformat(), end_date=period.end.isoformat()
    )


def _add_columns(
    into: RepeatedCompositeFieldContainer[pb.BreakdownItem],
    shares: fig.ShareColumns,
    currency: str,
) -> None:
    """Items added in place (`add`, not constructed then copied in): a 90-day split of
    hundreds of groups has tens of thousands of them."""
    add = into.add
    for key, label, amount, percent in zip(
        shares.keys, shares.labels, shares.amounts, shares.percents, strict=True
    ):
        add(
            key=key,
            label=label,
            amount={"currency_code": currency, "amount": amount},
            percent=percent,
        )


def _items(shares: list[fig.Share], currency: str) -> list[pb.BreakdownItem]:
    return [
        pb.BreakdownItem(
            key=s.key, label=s.label, amount=_money(s.amount, currency), percent=_percent(s.percent)
        )
        for s in shares
    ]
