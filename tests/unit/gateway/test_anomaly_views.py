"""Anomaly list items: the documented fields from budgets' Anomaly, amounts exact."""

from decimal import Decimal

from costgrid.budgets.v1 import service_pb2 as pb
from costgrid.common.v1 import money_pb2

from services.gateway.http.anomaly_views import anomaly_list_json
from services.gateway.http.jsonio import dumps


def _usd(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="USD", amount=amount)


def _anomaly(**fields: object) -> pb.Anomaly:
    return pb.Anomaly(
        id=9, day="2025-06-12", account_id=31, account_name="Prod", actual=_usd("440.50"),
        expected_low=_usd("100.00"), expected_high=_usd("140.00"), impact=_usd("300.50"),
        impact_percent="214.6", status=pb.ANOMALY_STATUS_ACTIVE, **fields,
    )  # fmt: skip


def test_an_account_anomaly_lists_its_services_with_spend_and_rise() -> None:
    causes = [
        pb.RootCause(dimension=pb.ROOT_CAUSE_DIMENSION_ACCOUNT, key="31", impact=_usd("300")),
        pb.RootCause(
            dimension=pb.ROOT_CAUSE_DIMENSION_SERVICE,
            key="EC2",
            impact=_usd("290.5"),
            actual=_usd("400.5"),
        ),
        pb.RootCause(dimension=pb.ROOT_CAUSE_DIMENSION_SERVICE, key="S3", impact=_usd("10")),
    ]
    out = anomaly_list_json(
        pb.ListAnomaliesResponse(
            anomalies=[_anomaly(scope=pb.ANOMALY_SCOPE_ACCOUNT, root_causes=causes)],
            next_page_token="t",
        )
    )

    (item,) = out["data"]
    assert (item["type"], item["provider_id"], item["date"], item["status"]) == (
        "spike", 31, "2025-06-12", "active",
    )  # fmt: skip
    assert (item["actual_amount"], item["expected_amount"], item["expected_upper"]) == (
        Decimal("440.50"), Decimal("140.00"), Decimal("140.00"),
    )  # fmt: skip
    assert item["top_services"] == [
        {"service": "EC2", "amount": Decimal("400.5"), "vs_expected": Decimal("290.5")},
        {"service": "S3", "amount": None, "vs_expected": Decimal("10")},
    ]
    assert out["next_page_token"] == "t"
    assert '"actual_amount":440.5,' in dumps(out) and '"deviation_percent":214.6,' in dumps(out)


def test_a_service_anomaly_is_its_own_top_service() -> None:
    item = anomaly_list_json(
        pb.ListAnomaliesResponse(
            anomalies=[_anomaly(scope=pb.ANOMALY_SCOPE_SERVICE, service="EC2")]
        )
    )["data"][0]

    assert item["top_services"] == [
        {"service": "EC2", "amount": Decimal("440.50"), "vs_expected": Decimal("300.50")}
    ]
    assert (item["scope"], item["service"], item["detected_at"]) == ("service", "EC2", None)
