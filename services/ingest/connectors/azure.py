"""Azure Cost Management connector: daily ActualCost by service and location.

Uses azure-mgmt-costmanagement's `query.usage`. Two deliberate departures from its defaults:

- `stream=True`: the SDK would turn every cost into a binary float (and ContentDecodePolicy
  would json-decode the body once more). Streaming hands us the raw bytes, which we parse
  with `parse_float=Decimal`, so the wire's decimal text is kept digit for digit, even
  beyond the 17 significant digits `Decimal(repr(float))` could restore.
- `retry_total=0`: azure-core's RetryPolicy ignores the Cost Management QPU retry-after
  headers, so 429s are retried here, waiting as long as Azure asks.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from azure.core.exceptions import HttpResponseError, ServiceRequestError
from azure.mgmt.costmanagement import CostManagementClient

from services.ingest.connectors.azure_auth import ClientSecretTokenCredential, default_authority
from services.ingest.connectors.azure_rows import (
    QueryPage,
    items_of,
    parse_page,
    skiptoken_of,
    subscription_of,
)
from services.ingest.connectors.base import (
    AccountConfig,
    ConnectionCheck,
    ConnectorConfigError,
    ConnectorError,
    ProviderAuthError,
    ProviderPermissionError,
    ProviderResponseError,
    ProviderThrottledError,
    ProviderUnavailableError,
    required,
)
from services.ingest.domain.cost_items import CostLineItem, DateWindow

DEFAULT_ARM_BASE = "https://management.azure.com"
RETRY_AFTER_HEADERS = (
    "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after",
    "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after",
    "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after",
    "Retry-After",
)
_MAX_DAYS_PER_QUERY = 365  # a Custom timePeriod may not exceed one year
_MAX_PAGES = 10_000  # a provider bug must not become an endless loop


class AzureCostConnector:
    """Reads one Azure scope's daily cost; one instance per account, used from one thread."""

    def __init__(
        self,
        config: AccountConfig,
        *,
        max_attempts: int = 5,
        max_wait: float = 120.0,
        default_wait: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._scope = "/" + str(required(config.settings, "scope", "Azure setting")).strip("/")
        creds = config.credentials
        self._client_id = str(required(creds, "client_id", "Azure credential"))
        self._arm_base = (config.endpoint or DEFAULT_ARM_BASE).rstrip("/")
        if not self._arm_base.startswith(("https://", "http://")):
            raise ConnectorConfigError(f"Azure endpoint must be an http(s) URL: {config.endpoint}")
        authority = config.settings.get("authority") or default_authority(self._arm_base)
        credential = ClientSecretTokenCredential(
            str(required(creds, "tenant_id", "Azure credential")),
            self._client_id,
            str(required(creds, "client_secret", "Azure credential")),
            authority=str(authority),
        )
        self._client = CostManagementClient(
            credential,
            base_url=self._arm_base,
            credential_scopes=[f"{self._arm_base}/.default"],
            retry_total=0,
        )
        # azure-core refuses bearer tokens over plain http unless told so on every call.
        self._call_kwargs: dict[str, Any] = (
            {"enforce_https": False} if self._arm_base.startswith("http://") else {}
        )
        self._max_attempts = max(1, max_attempts)
        self._max_wait = max_wait
        self._default_wait = default_wait
        self._sleep = sleep
        self._sub_account_id = subscription_of(self._scope)

    @property
    def scope(self) -> str:
        return self._scope

    def fetch(self, window: DateWindow) -> Iterator[CostLineItem]:
        for part in _split(window):
            for page in self._pages(part):
                yield from items_of(page, part, self._sub_account_id)

    def test_connection(self) -> ConnectionCheck:
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        try:
            rows = sum(len(page.rows) for page in self._pages(DateWindow(yesterday, yesterday)))
        except ConnectorError as exc:
            return ConnectionCheck(ok=False, message=exc.message)
        return ConnectionCheck(
            ok=True,
            message=f"Connected to Azure Cost Management for scope {self._scope}: "
            f"{rows} cost row(s) for {yesterday.isoformat()}",
        )

    def _pages(self, window: DateWindow) -> Iterator[QueryPage]:
        body = query_body(window)
        params: dict[str, str] = {}
        seen: set[str] = set()
        for _ in range(_MAX_PAGES):
            page = self._query(body, params)
            if page is None or not page.next_link:
                if page is not None:
                    yield page
                return
            yield page
            token = skiptoken_of(page.next_link)
            if token in seen:
                raise ProviderResponseError(f"Azure repeated the same $skiptoken {token!r}")
            seen.add(token)
            params = {"$skiptoken": token}
        raise ProviderResponseError(f"Azure query for {self._scope} exceeded {_MAX_PAGES} pages")

    def _query(self, body: dict[str, Any], params: dict[str, str]) -> QueryPage | None:
        for attempt in range(1, self._max_attempts + 1):
            try:
                result = self._client.query.usage(
                    self._scope.lstrip("/"),  # the SDK's URL template adds the leading slash
                    cast(Any, body),  # a plain dict in REST shape is accepted
                    params=dict(params),
                    stream=True,
                    **self._call_kwargs,
                )
            except HttpResponseError as exc:
                if exc.status_code != 429:
                    raise self._translate(exc) from exc
                wait = self._throttle_wait(exc, attempt)
                if attempt == self._max_attempts or wait > self._max_wait:
                    raise ProviderThrottledError(
                        f"Azure Cost Management is throttling queries on {self._scope} "
                        f"(HTTP 429 after {attempt} attempt(s), Azure asks to wait {wait:g}s); "
                        "the query quota is per tenant, try again later"
                    ) from exc
                self._sleep(wait)
                continue
            except ServiceRequestError as exc:
                raise ProviderUnavailableError(
                    f"cannot reach Azure Resource Manager at {self._arm_base}: {exc}"
                ) from exc
            if result is None:  # 204 No Content: nothing billed in the window
                return None
            return parse_page(b"".join(cast(Iterator[bytes], result)))
        raise AssertionError("unreachable")

    def _throttle_wait(self, exc: HttpResponseError, attempt: int) -> float:
        headers = getattr(exc.response, "headers", None) or {}
        asked = [
            s for s in (_seconds(headers.get(h)) for h in RETRY_AFTER_HEADERS) if s is not None
        ]
        if asked:
            return max(asked)
        return self._default_wait * 2.0 ** (attempt - 1)

    def _translate(self, exc: HttpResponseError) -> ConnectorError:
        status = exc.status_code or 0
        said = _azure_said(exc)
        if status == 401:
            return ProviderAuthError(
                f"Azure Resource Manager rejected the token of service principal "
                f"{self._client_id} (HTTP 401). Azure said: {said}"
            )
        if status == 403:
            return ProviderPermissionError(
                f"Service principal {self._client_id} may not read costs on scope {self._scope}: "
                f"grant it the 'Cost Management Reader' role on that scope. Azure said: {said}"
            )
        if status == 404:
            return ConnectorConfigError(
                f"Azure scope {self._scope} was not found; check the account's scope. "
                f"Azure said: {said}"
            )
        if status >= 500:
            return ProviderUnavailableError(
                f"Azure Cost Management failed with HTTP {status}; try again later. "
                f"Azure said: {said}"
            )
        return ConnectorError(f"Azure Cost Management query failed (HTTP {status}): {said}")


def query_body(window: DateWindow) -> dict[str, Any]:
    """The REST body of a daily ActualCost query grouped by service and location."""
    return {
        "type": "ActualCost",
        "timeframe": "Custom",
        "timePeriod": {
            "from": f"{window.start.isoformat()}T00:00:00Z",
            "to": f"{window.end.isoformat()}T23:59:59Z",
        },
        "dataset": {
            "granularity": "Daily",
            "aggregation": {"totalCost": {"name": "Cost", "function": "Sum"}},
            "grouping": [
                {"type": "Dimension", "name": "ServiceName"},
                {"type": "Dimension", "name": "ResourceLocation"},
            ],
        },
    }


def _split(window: DateWindow) -> Iterator[DateWindow]:
    start = window.start
    while start <= window.end:
        end = min(window.end, start + timedelta(days=_MAX_DAYS_PER_QUERY - 1))
        yield DateWindow(start, end)
        start = end + timedelta(days=1)


def _seconds(value: str | None) -> float | None:
    """A retry-after value: seconds (possibly fractional) or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _azure_said(exc: HttpResponseError) -> str:
    error = getattr(exc, "error", None)
    code, message = getattr(error, "code", None), getattr(error, "message", None)
    if code or message:
        return f"{code}: {message}" if code else str(message)
    return str(exc.message or exc).splitlines()[0]
