"""The Azure connector on the real azure-mgmt-costmanagement SDK against a loopback fake."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.ingest.connectors.azure import AzureCostConnector
from services.ingest.connectors.azure_auth import default_authority
from services.ingest.connectors.base import (
    AccountConfig,
    ProviderAuthError,
    ProviderPermissionError,
    ProviderResponseError,
    ProviderThrottledError,
)
from services.ingest.domain.cost_items import DateWindow
from tests.fakes.azure_fake import AzureFake, arm_error, page_token

SCOPE = "/subscriptions/11111111-2222-3333-4444-555555555555"
WINDOW = DateWindow(date(2024, 1, 14), date(2024, 1, 15))
QPU = "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after"


@pytest.fixture
def fake() -> Iterator[AzureFake]:
    server = AzureFake().start()
    yield server
    server.stop()


def connector(fake: AzureFake, secret: str | None = None, **kwargs: object) -> AzureCostConnector:
    config = AccountConfig(
        provider="AZURE",
        settings={"scope": SCOPE, "authority": fake.base_url},
        credentials={
            "tenant_id": fake.tenant_id,
            "client_id": fake.client_id,
            "client_secret": secret or fake.client_secret,
        },
        endpoint=fake.base_url,
    )
    return AzureCostConnector(config, **kwargs)  # type: ignore[arg-type]


def test_query_is_daily_actual_cost_grouped_by_service_and_location(fake: AzureFake) -> None:
    fake.pages = [[[1.5, 20240114, "Storage", "eastus", "USD"]]]

    items = list(connector(fake).fetch(WINDOW))

    [token_req] = fake.token_requests()
    assert token_req.form()["grant_type"] == "client_credentials"
    assert token_req.form()["scope"] == f"{fake.base_url}/.default"
    [query] = fake.query_requests()
    assert query.path == f"{SCOPE}/providers/Microsoft.CostManagement/query"
    assert query.query["api-version"] == ["2025-03-01"]
    assert query.headers["authorization"] == "Bearer token-1"
    assert query.json() == {
        "type": "ActualCost",
        "timeframe": "Custom",
        "timePeriod": {"from": "2024-01-14T00:00:00Z", "to": "2024-01-15T23:59:59Z"},
        "dataset": {
            "granularity": "Daily",
            "aggregation": {"totalCost": {"name": "Cost", "function": "Sum"}},
            "grouping": [
                {"type": "Dimension", "name": "ServiceName"},
                {"type": "Dimension", "name": "ResourceLocation"},
            ],
        },
    }
    [item] = items
    assert item.charge_period_start == datetime(2024, 1, 14, tzinfo=UTC)
    assert item.charge_period_end == datetime(2024, 1, 15, tzinfo=UTC)
    assert (item.billed_cost, item.billing_currency) == (Decimal("1.5"), "USD")
    assert (item.service_name, item.region_id) == ("Storage", "eastus")
    assert item.sub_account_id == "11111111-2222-3333-4444-555555555555"
    assert item.provider_name == "Microsoft"


def test_follows_skiptoken_to_the_second_page(fake: AzureFake) -> None:
    fake.pages = [
        [[1, 20240114, "Storage", "eastus", "USD"]],
        [[2, 20240115, "Virtual Machines", "westeurope", "USD"]],
    ]

    items = list(connector(fake).fetch(WINDOW))

    assert [i.service_name for i in items] == ["Storage", "Virtual Machines"]
    first, second = fake.query_requests()
    assert "$skiptoken" not in first.query
    assert second.query["$skiptoken"] == [page_token(1)]
    assert second.json() == first.json()
    assert len(fake.token_requests()) == 1  # the token is cached across pages


def test_no_content_means_no_rows(fake: AzureFake) -> None:
    fake.enqueue(204)

    assert list(connector(fake).fetch(WINDOW)) == []


def test_costs_arrive_exactly_as_written_on_the_wire(fake: AzureFake) -> None:
    fake.enqueue(
        200,
        raw='{"properties": {"nextLink": null, "columns": ['
        '{"name": "PreTaxCost", "type": "Number"}, {"name": "UsageDate", "type": "Number"},'
        '{"name": "ServiceName", "type": "String"}, {"name": "ResourceLocation", "type": "String"},'
        '{"name": "Currency", "type": "String"}], "rows": ['
        '[19.545363672276512, 20240114, "Storage", "eastus", "USD"],'
        '[0.1234567890123456789012, 20240115, "Bandwidth", "eastus", "EUR"]]}}',
    )

    costs = [item.billed_cost for item in connector(fake).fetch(WINDOW)]

    assert costs == [Decimal("19.545363672276512"), Decimal("0.1234567890123456789012")]
    assert str(costs[1]) == "0.1234567890123456789012"  # more digits than any float holds


def test_waits_as_long_as_the_qpu_retry_after_header_asks(fake: AzureFake) -> None:
    fake.enqueue(429, json_body={"error": {"code": "429"}}, headers={QPU: "0.15"})
    fake.pages = [[[3, 20240114, "Storage", "eastus", "USD"]]]

    started = time.monotonic()
    items = list(connector(fake).fetch(WINDOW))
    elapsed = time.monotonic() - started

    assert [i.billed_cost for i in items] == [Decimal(3)]
    assert len(fake.query_requests()) == 2
    assert 0.15 <= elapsed < 1.0


def test_throttle_wait_is_the_longest_of_the_retry_after_headers(fake: AzureFake) -> None:
    fake.enqueue(
        429,
        headers={
            QPU: "2",
            "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after": "7",
            "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after": "5",
            "Retry-After": "1",
        },
    )
    slept: list[float] = []

    list(connector(fake, sleep=slept.append).fetch(WINDOW))

    assert slept == [7.0]


def test_exhausted_throttling_raises_throttled(fake: AzureFake) -> None:
    for _ in range(3):
        fake.enqueue(429, headers={QPU: "1"})
    slept: list[float] = []

    with pytest.raises(ProviderThrottledError, match="throttling") as caught:
        list(connector(fake, max_attempts=3, sleep=slept.append).fetch(WINDOW))

    assert slept == [1.0, 1.0]
    assert len(fake.query_requests()) == 3
    assert caught.value.retryable


def test_wait_longer_than_allowed_gives_up_at_once(fake: AzureFake) -> None:
    fake.enqueue(429, headers={QPU: "600"})
    slept: list[float] = []

    with pytest.raises(ProviderThrottledError, match="600s"):
        list(connector(fake, max_wait=60, sleep=slept.append).fetch(WINDOW))

    assert slept == []


def test_invalid_client_secret_is_an_auth_error(fake: AzureFake) -> None:
    with pytest.raises(ProviderAuthError, match="client secret is wrong") as caught:
        list(connector(fake, secret="wrong").fetch(WINDOW))

    assert "AADSTS7000215" in caught.value.message
    assert fake.query_requests() == []


def test_rejected_token_is_an_auth_error(fake: AzureFake) -> None:
    fake.enqueue(401, raw=arm_error("InvalidAuthenticationToken", "The access token is invalid."))

    with pytest.raises(ProviderAuthError, match="The access token is invalid"):
        list(connector(fake).fetch(WINDOW))


def test_forbidden_scope_names_the_reader_role(fake: AzureFake) -> None:
    fake.enqueue(
        403,
        raw=arm_error(
            "AuthorizationFailed",
            "The client 'client-1' does not have authorization to perform action "
            "'Microsoft.CostManagement/query/action'.",
        ),
    )

    with pytest.raises(ProviderPermissionError) as caught:
        list(connector(fake).fetch(WINDOW))

    message = caught.value.message
    assert "Cost Management Reader" in message and SCOPE in message
    assert "AuthorizationFailed" in message


@pytest.mark.parametrize(
    ("columns", "rows", "complaint"),
    [
        (["Cost", "UsageDate", "ServiceName", "Currency"], [[1, 20240114, "S", "USD"]], "lacks"),
        (None, [[1, 20240114, "Storage", "USD"]], "4 values for 5 columns"),
        (None, [[1, 20241345, "Storage", "eastus", "USD"]], "UsageDate"),
        (None, [["1.0", 20240114, "Storage", "eastus", "USD"]], "not a number"),
    ],
)
def test_malformed_result_is_a_response_error(
    fake: AzureFake, columns: list[str] | None, rows: list[list[object]], complaint: str
) -> None:
    if columns is not None:
        fake.columns = [{"name": name, "type": "String"} for name in columns]
    fake.pages = [rows]

    with pytest.raises(ProviderResponseError, match=complaint):
        list(connector(fake).fetch(WINDOW))


def test_body_that_is_not_json_is_a_response_error(fake: AzureFake) -> None:
    fake.enqueue(200, raw="<html>gateway</html>")

    with pytest.raises(ProviderResponseError, match="not valid JSON"):
        list(connector(fake).fetch(WINDOW))


def test_connection_check_names_the_scope(fake: AzureFake) -> None:
    check = connector(fake).test_connection()

    assert check.ok
    assert SCOPE in check.message
    body = fake.query_requests()[0].json()
    assert body["timePeriod"]["from"][:10] == body["timePeriod"]["to"][:10]


def test_connection_check_reports_a_bad_secret(fake: AzureFake) -> None:
    check = connector(fake, secret="wrong").test_connection()

    assert not check.ok
    assert "client secret" in check.message


def test_sovereign_clouds_sign_in_at_their_own_authority() -> None:
    assert default_authority("https://management.usgovcloudapi.net") == (
        "https://login.microsoftonline.us"
    )
    assert default_authority("https://management.chinacloudapi.cn/") == (
        "https://login.chinacloudapi.cn"
    )
    assert default_authority("https://management.azure.com") == "https://login.microsoftonline.com"
