"""AWS Cost Explorer connector: daily cost by linked account, service and region.

Cost Explorer allows two GroupBy keys and we need three. So one cheap MONTHLY query
grouped by LINKED_ACCOUNT finds the accounts with charges in the window (and their names),
then one DAILY query per account, filtered to it and grouped by SERVICE and REGION, gives
that account's rows. Each account's groups partition its charges, so totals stay exact.
Every page is a billed request ($0.01), hence the monthly discovery query.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from botocore.client import BaseClient

from services.ingest.connectors import aws_rows
from services.ingest.connectors.aws_client import (
    CE_PERMISSION,
    CostDataUnavailableError,
    build_ce_client,
    call_aws,
    client_config,
)
from services.ingest.connectors.base import (
    AccountConfig,
    ConnectionCheck,
    ConnectorConfigError,
    ConnectorError,
    ProviderResponseError,
)
from services.ingest.connectors.retry import RetryPolicy
from services.ingest.domain.cost_items import CostLineItem, DateWindow

DEFAULT_METRIC = "UnblendedCost"
# Only the money metrics of GetCostAndUsage; UsageQuantity and NormalizedUsageAmount are
# valid there but are not costs, so they cannot fill a cost line item.
COST_METRICS = frozenset(
    {"AmortizedCost", "BlendedCost", "NetAmortizedCost", "NetUnblendedCost", "UnblendedCost"}
)


class AwsCostExplorerConnector:
    """Connector for one AWS payer (or standalone) account; see PROVIDERS.md section 1."""

    def __init__(
        self,
        config: AccountConfig,
        *,
        max_attempts: int = 6,
        base_delay: float = 1.0,
        max_delay: float = 20.0,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
    ) -> None:
        if config.provider != "AWS":
            raise ConnectorConfigError(f"AWS connector given a {config.provider} account")
        self._config = config
        self.metric = _metric(config.settings)
        self._policy = RetryPolicy(max_attempts, base_delay, max_delay)
        self._botocore_config = client_config(connect_timeout, read_timeout)

    def fetch(self, window: DateWindow) -> Iterator[CostLineItem]:
        client = self._client()
        for account_id, name in self._linked_accounts(client, window).items():
            request = self._request(window, "DAILY") | {
                "GroupBy": [_dimension("SERVICE"), _dimension("REGION")],
                "Filter": {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [account_id]}},
            }
            for page in self._pages(client, request):
                yield from aws_rows.line_items(page, self.metric, window, account_id, name)

    def test_connection(self) -> ConnectionCheck:
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        request = self._request(DateWindow(yesterday, yesterday), "MONTHLY")
        try:
            client = self._client()
            aws_rows.results_by_time(self._get_cost_and_usage(client, request))
        except CostDataUnavailableError as error:
            return ConnectionCheck(
                ok=True,
                message=f"credentials and {CE_PERMISSION} work, but {error.message}",
            )
        except ConnectorError as error:
            return ConnectionCheck(ok=False, message=error.message)
        return ConnectionCheck(
            ok=True,
            message=f"connected to AWS Cost Explorer; {CE_PERMISSION} works for {self.metric}",
        )

    def _client(self) -> BaseClient:
        return build_ce_client(self._config, self._policy, self._botocore_config)

    def _get_cost_and_usage(self, client: BaseClient, params: dict[str, Any]) -> Any:
        return call_aws(lambda: client.get_cost_and_usage(**params), CE_PERMISSION, self._policy)

    def _linked_accounts(self, client: BaseClient, window: DateWindow) -> dict[str, str]:
        """Accounts with any charge in the window, in id order, mapped to their names."""
        request = self._request(window, "MONTHLY") | {"GroupBy": [_dimension("LINKED_ACCOUNT")]}
        ids: set[str] = set()
        names: dict[str, str] = {}
        for page in self._pages(client, request):
            ids.update(keys[0] for keys in aws_rows.group_keys(page, 1))
            names |= aws_rows.account_names(page)
        return {account_id: names.get(account_id, "") for account_id in sorted(ids)}

    def _pages(self, client: BaseClient, request: dict[str, Any]) -> Iterator[Mapping[str, Any]]:
        """Every page of `request`; GetCostAndUsage has no boto3 paginator."""
        seen: set[str] = set()
        token: str | None = None
        while True:
            params = request if token is None else request | {"NextPageToken": token}
            page = self._get_cost_and_usage(client, params)
            aws_rows.results_by_time(page)
            yield page
            token = page.get("NextPageToken") or None
            if token is None:
                return
            if token in seen:
                raise ProviderResponseError("Cost Explorer repeated a NextPageToken; paging loops")
            seen.add(token)

    def _request(self, window: DateWindow, granularity: str) -> dict[str, Any]:
        return {
            "TimePeriod": {"Start": _iso(window.start), "End": _iso(window.end_exclusive)},
            "Granularity": granularity,
            "Metrics": [self.metric],
        }


def _metric(settings: Mapping[str, Any]) -> str:
    metric = settings.get("cost_metric") or DEFAULT_METRIC
    if metric not in COST_METRICS:
        raise ConnectorConfigError(
            f"AWS 'cost_metric' {metric!r} is not one of {', '.join(sorted(COST_METRICS))}"
        )
    return str(metric)


def _dimension(key: str) -> dict[str, str]:
    return {"Type": "DIMENSION", "Key": key}


def _iso(day: date) -> str:
    return day.isoformat()
