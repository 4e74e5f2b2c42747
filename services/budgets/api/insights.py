"""gRPC servicers of ForecastService and AnomalyService: proto in, handler call, proto out."""

from __future__ import annotations

from datetime import timedelta

from costgrid.budgets.v1 import service_pb2 as pb
from costgrid.budgets.v1 import service_pb2_grpc as grpc_budgets

from services.budgets.api import convert, parse
from services.budgets.deps import Deps
from services.budgets.domain.periods import parse_day
from services.budgets.handlers import anomalies, forecasts
from services.common.dates import optional_date
from services.common.pagination import decode_token, page_of, page_size
from services.common.servicer import Ctx


class ForecastApi(grpc_budgets.ForecastServiceServicer):
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def GetForecast(
        self, request: pb.GetForecastRequest, context: Ctx
    ) -> pb.GetForecastResponse:
        query = forecasts.ForecastQuery(
            days=parse.forecast_days(request.days),
            account_ids=parse.account_ids(list(request.account_ids)),
            provider=parse.provider(request.provider),
            confidence=parse.confidence(request.confidence_level),
            as_of=optional_date(request.as_of_date, "as_of_date"),
        )
        answer = await forecasts.get(self._deps, query)
        first = answer.first_day
        return pb.GetForecastResponse(
            forecast_days=query.days,
            period=convert.date_range(first, answer.last_day),
            forecasts=[
                pb.CurrencyForecast(
                    currency_code=currency,
                    projected_total=convert.model_money(f.total, currency),
                    interval_low=convert.model_money(f.total_low, currency),
                    interval_high=convert.model_money(f.total_high, currency),
                    daily=[
                        pb.ForecastPoint(
                            date=(first + timedelta(days=i)).isoformat(),
                            amount=convert.model_money(f.mean[i], currency),
                            lower=convert.model_money(f.lower[i], currency),
                            upper=convert.model_money(f.upper[i], currency),
                        )
                        for i in range(len(f.mean))
                    ],
                    method=pb.ForecastMethod.ValueType(f.method),
                    history_days=f.history_days,
                )
                for currency, f in answer.by_currency
            ],
        )


class AnomalyApi(grpc_budgets.AnomalyServiceServicer):
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def ListAnomalies(
        self, request: pb.ListAnomaliesRequest, context: Ctx
    ) -> pb.ListAnomaliesResponse:
        days_back = parse.anomaly_days(request.days)
        filters = (
            parse.account_ids(list(request.account_ids)),
            parse.provider(request.provider),
            parse.anomaly_status(request.status),
        )
        limit, scope = page_size(request.page_size), f"anomalies:{days_back}:{filters}"
        key = decode_token(request.page_token, self._deps.secret, scope)
        after = (parse_day(str(key[0])), int(key[1])) if key else None
        rows = await anomalies.page(self._deps, days_back, filters, after, limit + 1)
        page, token = page_of(
            rows, limit, lambda a: [a.key.day.isoformat(), a.id], self._deps.secret, scope
        )
        return pb.ListAnomaliesResponse(
            anomalies=[convert.anomaly(a) for a in page], next_page_token=token
        )

    async def GetAnomaly(
        self, request: pb.GetAnomalyRequest, context: Ctx
    ) -> pb.GetAnomalyResponse:
        anomaly_id = parse.positive_id(request.anomaly_id, "anomaly_id")
        return pb.GetAnomalyResponse(
            anomaly=convert.anomaly(await anomalies.get(self._deps, anomaly_id))
        )

    async def DismissAnomaly(
        self, request: pb.DismissAnomalyRequest, context: Ctx
    ) -> pb.DismissAnomalyResponse:
        anomaly_id = parse.positive_id(request.anomaly_id, "anomaly_id")
        reason = parse.reason(request.reason)
        dismissed = await anomalies.dismiss(self._deps, anomaly_id, reason)
        return pb.DismissAnomalyResponse(anomaly=convert.anomaly(dismissed))

    async def GetAnomalySettings(
        self, request: pb.GetAnomalySettingsRequest, context: Ctx
    ) -> pb.GetAnomalySettingsResponse:
        value = await anomalies.thresholds(self._deps)
        return pb.GetAnomalySettingsResponse(settings=convert.thresholds(value))

    async def UpdateAnomalySettings(
        self, request: pb.UpdateAnomalySettingsRequest, context: Ctx
    ) -> pb.UpdateAnomalySettingsResponse:
        changes = parse.threshold_changes(request.settings, request.update_mask)
        value = await anomalies.update_thresholds(self._deps, dict(changes))
        return pb.UpdateAnomalySettingsResponse(settings=convert.thresholds(value))
