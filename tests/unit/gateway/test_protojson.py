"""Protobuf messages to REST JSON and back: money, enums, decimal strings, field names."""

from decimal import Decimal

import pytest
from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.common.v1 import money_pb2
from costgrid.ingest.v1 import service_pb2 as ingest_pb
from costgrid.notifier.v1 import service_pb2 as notifier_pb

from services.common.errors import InvalidArgument
from services.gateway.http.protojson import from_json, to_json


def test_budget_json_has_exact_money_short_enums_and_decimal_percents() -> None:
    budget = budgets_pb.Budget(
        id=7,
        name="AWS",
        amount=money_pb2.Money(currency_code="USD", amount="18.00663861840"),
        period=budgets_pb.BUDGET_PERIOD_MONTHLY,
        alert_threshold_percent="80",
    )
    out = to_json(budget)
    assert out["amount"] == {"amount": Decimal("18.00663861840"), "currency": "USD"}
    assert out["period"] == "monthly"
    assert out["alert_threshold_percent"] == Decimal("80")
    assert out["status"] is None and out["create_time"] is None


def test_json_body_fills_the_request_and_round_trips() -> None:
    data = {
        "name": "AWS",
        "amount": {"amount": Decimal("0.00000080000"), "currency": "USD"},
        "period": "quarterly",
        "scope": {"account_ids": [1, 2], "provider": "aws"},
    }
    budget = from_json(data, budgets_pb.Budget())
    assert budget.amount.amount == "0.00000080000"
    assert budget.scope.provider == 1  # PROVIDER_AWS
    assert to_json(budget)["scope"]["account_ids"] == [1, 2]


def test_unknown_enum_value_names_the_field() -> None:
    with pytest.raises(InvalidArgument) as error:
        from_json({"period": "weekly"}, budgets_pb.Budget())
    assert error.value.field == "period"


def test_two_members_of_a_oneof_are_rejected_naming_the_second() -> None:
    data = {"aws": {"role_arn": "x"}, "gcp": {"billing_account_id": "y"}}
    with pytest.raises(InvalidArgument) as error:
        from_json(data, ingest_pb.CloudAccountSettings(), "settings.")
    assert error.value.field == "settings.gcp"


def test_maps_and_nested_oneofs_fill() -> None:
    channel = from_json(
        {
            "name": "hook",
            "type": "webhook",
            "config": {"webhook": {"url": "https://x", "headers": {"A": "b"}}},
        },
        notifier_pb.Channel(),
    )
    assert channel.config.webhook.headers["A"] == "b"
    assert to_json(channel)["type"] == "webhook"
