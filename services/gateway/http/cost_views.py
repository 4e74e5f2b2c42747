"""The cost answers in the shapes existing clients use, from the services' per-currency protos,
and their models for the OpenAPI document.

Where an organization bills in several currencies, the top level shows one (the one asked for,
else the largest) and `currencies` lists every one in the same shape.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.common.v1 import provider_pb2
from costgrid.ingest.v1 import service_pb2 as ingest_pb
from pydantic import BaseModel, Field

from services.gateway.http import definitions
from services.gateway.http.protojson import decimal_of, enum_name, money
from services.gateway.http.schemas import Amount

PROVIDER = provider_pb2.Provider.DESCRIPTOR
FORECAST_METHOD = budgets_pb.ForecastMethod.DESCRIPTOR


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


def _amount(message: Any) -> Decimal:
    return Decimal(message.amount or "0")


def _pick(items: list[Any], code_of: Any, size_of: Any, wanted: str) -> Any | None:
    if wanted:
        return next((item for item in items if code_of(item) == wanted), None)
    return max(items, key=size_of, default=None)


def _zero(currency: str) -> dict[str, Any]:
    return {"amount": Decimal("0"), "currency": currency}


def overview_json(resp: ingest_pb.GetOverviewResponse, wanted: str, default: str) -> dict[str, Any]:
    current, last = resp.current_period, resp.last_month_period

    def block(c: ingest_pb.CurrencyOverview | None, code: str) -> dict[str, Any]:
        return {
            "current_month": {
                **(money(c.month_to_date) if c is not None else _zero(code)),
                "currency": code,
                "from": current.start_date,
                "to": current.end_date,
            },
            "last_month": {
                **(money(c.last_month) if c is not None else _zero(code)),
                "currency": code,
                "from": last.start_date,
                "to": last.end_date,
            },
            "mom_change_percent": decimal_of(c.mom_change_percent) if c is not None else None,
            "daily_average": money(c.daily_average)
            if c is not None and c.HasField("daily_average")
            else _zero(code),
            "month_end_forecast": money(c.projected_month_end)
            if c is not None and c.HasField("projected_month_end")
            else _zero(code),
            "by_provider": [
                {
                    "provider_id": a.account_id,
                    "name": a.account_name,
                    "provider": enum_name(PROVIDER, a.provider),
                    "amount": _amount(a.amount),
                }
                for a in (c.by_account if c is not None else [])
            ],
            "by_provider_type": [
                # An ingest older than provider types sends only the enum.
                {
                    "provider": p.provider_type or enum_name(PROVIDER, p.provider),
                    "amount": _amount(p.amount),
                }
                for p in (c.by_provider if c is not None else [])
            ],
        }

    currencies = list(resp.currencies)
    chosen = _pick(
        currencies, lambda c: c.currency_code, lambda c: _amount(c.month_to_date), wanted
    )
    code = chosen.currency_code if chosen is not None else (wanted or default)
    out = block(chosen, code)
    out["providers_present"] = [enum_name(PROVIDER, p) for p in resp.providers_present]
    out["currencies"] = [block(c, c.currency_code) for c in currencies]
    return out


def trend_json(resp: ingest_pb.GetTrendResponse, granularity: str, group_by: str) -> dict[str, Any]:
    by_key = group_by == "account"
    return {
        "period": {"from": resp.period.start_date, "to": resp.period.end_date},
        "granularity": granularity,
        "group_by": group_by or None,
        "data": [
            {
                "date": point.date,
                "amount": _amount(point.amount),
                "currency": point.amount.currency_code,
                "breakdown": {
                    (item.key if by_key else item.label or item.key): _amount(item.amount)
                    for item in point.breakdown
                },
            }
            for point in resp.points
        ],
    }


def forecast_json(
    resp: budgets_pb.GetForecastResponse, wanted: str, default: str
) -> dict[str, Any]:
    def block(f: budgets_pb.CurrencyForecast | None, code: str) -> dict[str, Any]:
        return {
            "currency": code,
            "projected_total": _amount(f.projected_total) if f is not None else Decimal("0"),
            "confidence_interval": {
                "low": _amount(f.interval_low) if f is not None else Decimal("0"),
                "high": _amount(f.interval_high) if f is not None else Decimal("0"),
            },
            "method": enum_name(FORECAST_METHOD, f.method) if f is not None else None,
            "history_days": f.history_days if f is not None else 0,
            "daily": [
                {
                    "date": p.date,
                    "amount": _amount(p.amount),
                    "lower": _amount(p.lower),
                    "upper": _amount(p.upper),
                }
                for p in (f.daily if f is not None else [])
            ],
        }

    forecasts = list(resp.forecasts)
    chosen = _pick(
        forecasts, lambda f: f.currency_code, lambda f: _amount(f.projected_total), wanted
    )
    code = chosen.currency_code if chosen is not None else (wanted or default)
    return {
        "forecast_days": resp.forecast_days,
        "period": {"from": resp.period.start_date, "to": resp.period.end_date},
        **block(chosen, code),
        "currencies": [block(f, f.currency_code) for f in forecasts],
    }
