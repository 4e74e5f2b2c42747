"""The cost answers keep the shapes existing clients use, with exact amounts."""

from decimal import Decimal

from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.common.v1 import date_range_pb2, money_pb2, provider_pb2
from costgrid.ingest.v1 import service_pb2 as ingest_pb

from services.gateway.http.cost_views import forecast_json, overview_json
from services.gateway.http.jsonio import dumps


def _usd(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="USD", amount=amount)


def _overview() -> ingest_pb.GetOverviewResponse:
    return ingest_pb.GetOverviewResponse(
        current_period=date_range_pb2.DateRange(start_date="2024-09-01", end_date="2024-09-30"),
        last_month_period=date_range_pb2.DateRange(start_date="2024-08-01", end_date="2024-08-31"),
        currencies=[
            ingest_pb.CurrencyOverview(
                currency_code="USD",
                month_to_date=_usd("18.00663920840"),
                last_month=_usd("0"),
                daily_average=_usd("0.6"),
                projected_month_end=_usd("18.00663920840"),
                by_account=[
                    ingest_pb.AccountCost(
                        account_id=55,
                        account_name="aws",
                        provider=provider_pb2.PROVIDER_AWS,
                        amount=_usd("18.00663861840"),
                    ),
                    ingest_pb.AccountCost(
                        account_id=56,
                        account_name="tiny",
                        provider=provider_pb2.PROVIDER_FOCUS_FILE,
                        amount=_usd("0.00000080000"),
                    ),
                ],
            )
        ],
    )


def test_overview_has_the_legacy_shape_with_accounts_as_providers() -> None:
    out = overview_json(_overview(), "", "USD")
    assert out["current_month"] == {
        "amount": Decimal("18.00663920840"),
        "currency": "USD",
        "from": "2024-09-01",
        "to": "2024-09-30",
    }
    assert out["last_month"]["amount"] == 0 and out["mom_change_percent"] is None
    assert out["by_provider"][0] == {
        "provider_id": 55,
        "name": "aws",
        "provider": "aws",
        "amount": Decimal("18.00663861840"),
    }
    text = dumps(out)
    assert '"amount":18.0066386184}' in text and '"amount":0.0000008}' in text


def test_overview_without_data_is_zero_in_the_default_currency() -> None:
    out = overview_json(ingest_pb.GetOverviewResponse(), "", "EUR")
    assert out["current_month"]["amount"] == 0 and out["current_month"]["currency"] == "EUR"
    assert out["by_provider"] == [] and out["currencies"] == []


def test_forecast_picks_the_largest_currency_and_lists_all() -> None:
    resp = budgets_pb.GetForecastResponse(
        forecast_days=30,
        forecasts=[
            budgets_pb.CurrencyForecast(
                currency_code="EUR",
                projected_total=money_pb2.Money(currency_code="EUR", amount="5"),
            ),
            budgets_pb.CurrencyForecast(
                currency_code="USD",
                projected_total=_usd("10.10"),
                interval_low=_usd("9"),
                interval_high=_usd("11"),
            ),
        ],
    )
    out = forecast_json(resp, "", "USD")
    assert (out["currency"], out["projected_total"]) == ("USD", Decimal("10.10"))
    assert out["confidence_interval"] == {"low": Decimal("9"), "high": Decimal("11")}
    assert [c["currency"] for c in out["currencies"]] == ["EUR", "USD"]
    assert forecast_json(resp, "EUR", "USD")["projected_total"] == Decimal("5")


def test_by_provider_type_names_each_cloud_in_the_accounts_vocabulary() -> None:
    resp = _overview()
    resp.currencies[0].by_provider.extend(
        [
            ingest_pb.ProviderCost(
                provider=provider_pb2.PROVIDER_AZURE, provider_type="azure", amount=_usd("2")
            ),
            ingest_pb.ProviderCost(provider_type="oracle", amount=_usd("0.5")),
        ]
    )
    out = overview_json(resp, "", "USD")
    assert out["by_provider_type"] == [
        {"provider": "azure", "amount": Decimal("2")},
        {"provider": "oracle", "amount": Decimal("0.5")},
    ]
