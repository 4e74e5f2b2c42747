"""The AWS Cost Explorer connector, real boto3 over HTTP: moto's server and a scripted fake."""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import Any

import pytest
from moto.server import ThreadedMotoServer
from moto.sts.models import sts_backends

from services.ingest.connectors.aws import AwsCostExplorerConnector
from services.ingest.connectors.base import (
    AccountConfig,
    ConnectorConfigError,
    ProviderAuthError,
    ProviderPermissionError,
    ProviderResponseError,
    ProviderThrottledError,
    ProviderUnavailableError,
)
from services.ingest.domain.cost_items import DateWindow
from tests.fakes.aws_fake import AwsFake, Reply, json_error, json_ok, query_error

KEYS = {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "secret"}
WINDOW = DateWindow(date(2024, 3, 1), date(2024, 3, 2))
PROD, DEV = "111111111111", "222222222222"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto(moto_url: str) -> str:
    _post(f"{moto_url}/moto-api/reset", {})
    return moto_url


@pytest.fixture
def fake() -> Iterator[AwsFake]:
    server = AwsFake().start()
    yield server
    server.stop()


def connector(endpoint: str, settings: dict[str, Any] | None = None, **kw: Any):
    config = AccountConfig("AWS", settings or {}, KEYS, endpoint)
    return AwsCostExplorerConnector(config, base_delay=0.001, max_delay=0.005, **kw)


def queue_in_moto(moto_url: str, *results: dict[str, Any]) -> None:
    _post(f"{moto_url}/moto-api/static/ce/cost-and-usage-results", {"results": list(results)})


def _post(url: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(url, json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status in (200, 201)


def day(start: str, groups: list[tuple[list[str], str]], estimated: bool = False) -> dict:
    end = (date.fromisoformat(start) + timedelta(days=1)).isoformat()
    return {
        "TimePeriod": {"Start": start, "End": end},
        "Total": {},
        "Groups": [
            {"Keys": keys, "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}}
            for keys, amount in groups
        ],
        "Estimated": estimated,
    }


def accounts_page(ids: list[str], names: dict[str, str], token: str | None = None) -> dict:
    page: dict[str, Any] = {
        "ResultsByTime": [day("2024-03-01", [([i], "1") for i in ids])],
        "DimensionValueAttributes": [
            {"Value": i, "Attributes": {"description": n}} for i, n in names.items()
        ],
    }
    return page | ({"NextPageToken": token} if token else {})


ROW = attrgetter(
    "charge_period_start.day",
    "sub_account_id",
    "sub_account_name",
    "service_name",
    "region_id",
    "billed_cost",
    "provisional",
)


EC2, LAMBDA = "Amazon Elastic Compute Cloud - Compute", "AWS Lambda"


def test_fetch_follows_every_page_and_normalizes_rows_of_two_linked_accounts(moto: str) -> None:
    queue_in_moto(
        moto,
        accounts_page([PROD], {PROD: "Prod"}, token="accounts-2"),
        accounts_page([DEV], {DEV: "Dev"}),
        {
            "ResultsByTime": [
                day("2024-03-01", [([EC2, "us-east-1"], "12.3456789"), (["S3", "us-west-2"], "0")])
            ],
            "NextPageToken": "prod-2",
        },
        {
            "ResultsByTime": [
                day(
                    "2024-03-02",
                    [([EC2, "us-east-1"], "10.01"), (["Tax", "NoRegion"], "1.50")],
                    estimated=True,
                )
            ]
        },
        {
            "ResultsByTime": [
                day("2024-03-01", [([LAMBDA, "eu-west-1"], "0.0000001")]),
                day("2024-03-02", [([LAMBDA, "eu-west-1"], "-0.05")], estimated=True),
            ]
        },
    )

    items = list(connector(moto).fetch(WINDOW))

    assert [ROW(i) for i in items] == [
        (1, PROD, "Prod", EC2, "us-east-1", Decimal("12.3456789"), False),
        (2, PROD, "Prod", EC2, "us-east-1", Decimal("10.01"), True),
        (2, PROD, "Prod", "Tax", "", Decimal("1.50"), True),
        (1, DEV, "Dev", LAMBDA, "eu-west-1", Decimal("0.0000001"), False),
        (2, DEV, "Dev", LAMBDA, "eu-west-1", Decimal("-0.05"), True),
    ]
    assert [i.charge_category for i in items] == ["Usage", "Usage", "Tax", "Usage", "Usage"]
    assert {(i.billing_currency, i.provider_name) for i in items} == {("USD", "AWS")}
    assert sum(i.billed_cost for i in items) == Decimal("23.8056790")
    assert all(i.effective_cost == i.billed_cost for i in items)
    first = items[0]
    assert first.charge_period_start == datetime(2024, 3, 1, tzinfo=UTC)
    assert first.charge_period_end == datetime(2024, 3, 2, tzinfo=UTC)


def test_test_connection_succeeds_and_names_the_metric(moto: str) -> None:
    check = connector(moto, {"cost_metric": "AmortizedCost"}).test_connection()

    assert check.ok
    assert "AmortizedCost" in check.message


def test_role_is_assumed_through_sts_and_its_session_signs_cost_explorer_calls(
    moto: str, fake: AwsFake
) -> None:
    role = "arn:aws:iam::333333333333:role/costgrid-read"
    fake.reply("GetCostAndUsage", json_ok({"ResultsByTime": []}))
    settings = {"role_arn": role, "external_id": "ext-42", "sts_endpoint": moto}

    assert list(connector(fake.url, settings).fetch(WINDOW)) == []

    assumed = sts_backends["333333333333"]["aws"].assumed_roles[-1]
    assert (assumed.role_arn, assumed.external_id) == (role, "ext-42")
    headers = fake.calls("GetCostAndUsage")[0].headers
    assert f"Credential={assumed.access_key_id}/" in headers["Authorization"]
    assert headers["X-Amz-Security-Token"] == assumed.session_token


def test_refused_role_assumption_is_a_permission_error_naming_sts_assume_role(
    fake: AwsFake,
) -> None:
    fake.reply("AssumeRole", query_error("AccessDenied", "not authorized to perform"))
    settings = {"role_arn": "arn:aws:iam::333333333333:role/x", "sts_endpoint": fake.url}

    with pytest.raises(ProviderPermissionError, match="sts:AssumeRole"):
        list(connector(fake.url, settings).fetch(WINDOW))


def test_limit_exceeded_is_retried_with_backoff_until_it_succeeds(fake: AwsFake) -> None:
    throttled = json_error("LimitExceededException", "Rate exceeded")
    fake.reply("GetCostAndUsage", throttled, times=2)
    fake.reply("GetCostAndUsage", json_ok(accounts_page([PROD], {PROD: "Prod"})))
    fake.reply("GetCostAndUsage", throttled)
    fake.reply(
        "GetCostAndUsage",
        json_ok({"ResultsByTime": [day("2024-03-01", [([EC2, "us-east-1"], "3.5")])]}),
    )

    items = list(connector(fake.url).fetch(WINDOW))

    assert [(i.sub_account_id, i.billed_cost) for i in items] == [(PROD, Decimal("3.5"))]
    bodies = [c.params for c in fake.calls("GetCostAndUsage")]
    assert len(bodies) == 5
    assert bodies[0] == bodies[1] == bodies[2] and bodies[3] == bodies[4]


def test_endless_throttling_ends_in_a_throttled_error_after_the_attempt_bound(
    fake: AwsFake,
) -> None:
    fake.reply_always("GetCostAndUsage", json_error("LimitExceededException", "Rate exceeded"))

    with pytest.raises(ProviderThrottledError, match="after 3 attempts") as raised:
        list(connector(fake.url, max_attempts=3).fetch(WINDOW))

    assert raised.value.retryable
    assert len(fake.calls("GetCostAndUsage")) == 3


def test_access_denied_names_the_missing_permission(fake: AwsFake) -> None:
    denied = json_error("AccessDeniedException", "User: arn:aws:iam::1:user/x is not authorized")
    fake.reply_always("GetCostAndUsage", denied)

    with pytest.raises(ProviderPermissionError, match="ce:GetCostAndUsage"):
        list(connector(fake.url).fetch(WINDOW))
    check = connector(fake.url).test_connection()

    assert not check.ok
    assert "missing IAM permission 'ce:GetCostAndUsage'" in check.message


def test_test_connection_asks_for_yesterday_monthly_without_grouping(fake: AwsFake) -> None:
    fake.reply("GetCostAndUsage", json_ok({"ResultsByTime": []}))

    assert connector(fake.url).test_connection().ok

    today = datetime.now(UTC).date()
    assert fake.calls("GetCostAndUsage")[0].params == {
        "TimePeriod": {"Start": (today - timedelta(days=1)).isoformat(), "End": today.isoformat()},
        "Granularity": "MONTHLY",
        "Metrics": ["UnblendedCost"],
    }


@pytest.mark.parametrize(
    "code",
    [
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "ExpiredTokenException",
    ],
)
def test_rejected_credentials_are_an_auth_error(fake: AwsFake, code: str) -> None:
    fake.reply_always("GetCostAndUsage", json_error(code, "The security token is invalid"))

    with pytest.raises(ProviderAuthError, match=code):
        list(connector(fake.url).fetch(WINDOW))
    assert not connector(fake.url).test_connection().ok


def ec2_on(start: str, amount: str) -> dict:
    return {"ResultsByTime": [day(start, [([EC2, "us-east-1"], amount)])]}


@pytest.mark.parametrize(
    "page",
    [
        {"GroupDefinitions": []},
        ec2_on("2024-03-01", "twelve"),
        ec2_on("2024-03-01", "NaN"),
        ec2_on("2024-02-29", "1"),
        {"ResultsByTime": [{"TimePeriod": {"Start": "2024-03-01"}, "Groups": [{"Keys": [EC2]}]}]},
        {
            "ResultsByTime": [
                day("2024-03-01", [([EC2, "us-east-1"], "1")])
                | {
                    "Groups": [
                        {"Keys": [EC2, "us-east-1"], "Metrics": {"UnblendedCost": {"Amount": "1"}}}
                    ]
                }
            ]
        },
    ],
    ids=[
        "no-results",
        "amount-not-decimal",
        "amount-nan",
        "day-outside-window",
        "one-key",
        "no-currency",
    ],
)
def test_malformed_answer_is_a_response_error(fake: AwsFake, page: dict) -> None:
    fake.reply("GetCostAndUsage", json_ok(accounts_page([PROD], {PROD: "Prod"})))
    fake.reply("GetCostAndUsage", json_ok(page))

    with pytest.raises(ProviderResponseError):
        list(connector(fake.url).fetch(WINDOW))
    assert len(fake.calls("GetCostAndUsage")) == 2


def test_body_that_is_not_json_is_a_response_error(fake: AwsFake) -> None:
    fake.reply_always("GetCostAndUsage", Reply(200, b"<html>proxy login</html>"))

    with pytest.raises(ProviderResponseError):
        list(connector(fake.url).fetch(WINDOW))


def test_looping_page_token_is_a_response_error(fake: AwsFake) -> None:
    fake.reply_always("GetCostAndUsage", json_ok({"ResultsByTime": [], "NextPageToken": "same"}))

    with pytest.raises(ProviderResponseError, match="NextPageToken"):
        list(connector(fake.url).fetch(WINDOW))


def test_data_unavailable_fails_fetch_retryably_but_connection_check_passes(
    fake: AwsFake,
) -> None:
    fake.reply_always(
        "GetCostAndUsage", json_error("DataUnavailableException", "Data is not available")
    )

    with pytest.raises(ProviderUnavailableError, match="retry later") as raised:
        list(connector(fake.url).fetch(WINDOW))
    check = connector(fake.url).test_connection()

    assert raised.value.retryable
    assert check.ok and "no data" in check.message


def test_provider_side_failure_is_unavailable(fake: AwsFake) -> None:
    with pytest.raises(ProviderUnavailableError, match="HTTP 500"):
        list(connector(fake.url).fetch(WINDOW))


def test_unreachable_endpoint_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"

    with pytest.raises(ProviderUnavailableError, match="cannot reach AWS"):
        list(connector(closed).fetch(WINDOW))
    check = connector(closed).test_connection()
    assert not check.ok and "cannot reach AWS" in check.message


@pytest.mark.parametrize("metric", ["UsageQuantity", "Unblended"])
def test_metric_that_is_not_a_cost_metric_is_a_config_error(metric: str) -> None:
    with pytest.raises(ConnectorConfigError, match="cost_metric"):
        connector("http://127.0.0.1:1", {"cost_metric": metric})


def test_account_without_keys_or_role_is_misconfigured() -> None:
    config = AccountConfig("AWS", {}, {"access_key_id": "AKIDEXAMPLE"}, "http://127.0.0.1:1")
    aws = AwsCostExplorerConnector(config)

    with pytest.raises(ConnectorConfigError, match="secret_access_key"):
        list(aws.fetch(WINDOW))
    assert not aws.test_connection().ok
