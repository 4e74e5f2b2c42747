"""DigitalOcean billing calls through `pydo`, with paging, rate limits and errors made explicit.

azure-core's own retry policy is switched off (`retry_total=0`): it would sleep on 429s
with the wall clock and hide throttling from us. Instead every call goes through `_call`,
which waits out an exhausted `ratelimit-remaining` before the next request, honours a
429's `retry-after` a bounded number of times, and turns every failure into a
`ConnectorError` with a message a user can act on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import pydo
from azure.core.exceptions import (
    AzureError,
    DecodeError,
    DeserializationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)

from services.ingest.connectors.base import (
    ConnectorConfigError,
    ConnectorError,
    ProviderAuthError,
    ProviderPermissionError,
    ProviderResponseError,
    ProviderThrottledError,
    ProviderUnavailableError,
)

DEFAULT_ENDPOINT = "https://api.digitalocean.com"
PER_PAGE = 200  # the API's maximum page size
MAX_PAGES = 10_000  # a provider that always says "next" must not loop us forever
DEFAULT_BACKOFF_SECONDS = 1.0  # a 429 without retry-after or ratelimit-reset

JSON = dict[str, Any]


@dataclass(frozen=True)
class RateLimitPolicy:
    """How long we are willing to wait on DigitalOcean's rate limits, and how often."""

    max_throttle_retries: int = 3
    max_wait_seconds: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time  # Unix seconds, as in `ratelimit-reset`


class DigitalOceanApi:
    def __init__(self, token: str, endpoint: str | None, limits: RateLimitPolicy) -> None:
        base = (endpoint or DEFAULT_ENDPOINT).rstrip("/")
        scheme = urlsplit(base).scheme
        if scheme not in ("http", "https"):
            raise ConnectorConfigError(f"DigitalOcean endpoint '{base}' must be an http(s) URL")
        # The bearer-token policy refuses plain http unless told otherwise, per call.
        self._call_options: dict[str, Any] = {"enforce_https": scheme == "https"}
        self._client = pydo.Client(token=token, endpoint=base, retry_total=0)
        self._limits = limits
        self._blocked_until: float | None = None

    def balance(self) -> JSON:
        return self._call("balance", self._client.balance.get)

    def invoice_pages(self) -> Iterator[JSON]:
        """Every page of `GET /v2/customers/my/invoices`."""
        return self._pages("invoice list", self._client.invoices.list)

    def invoice_item_pages(self, invoice_uuid: str) -> Iterator[JSON]:
        """Every page of one invoice's items; `invoice_uuid` may be the literal `preview`."""

        def get_page(**kwargs: Any) -> Any:
            return self._client.invoices.get_by_uuid(invoice_uuid, **kwargs)

        return self._pages(f"invoice {invoice_uuid}", get_page)

    def _pages(self, what: str, operation: Callable[..., Any]) -> Iterator[JSON]:
        for page in range(1, MAX_PAGES + 1):
            body = self._call(what, operation, per_page=PER_PAGE, page=page)
            yield body
            if not _has_next_page(body, what):
                return
        raise ProviderResponseError(
            f"DigitalOcean {what}: still reports more after {MAX_PAGES} pages"
        )

    def _call(self, what: str, operation: Callable[..., Any], **params: Any) -> JSON:
        for attempt in range(self._limits.max_throttle_retries + 1):
            self._wait_for_rate_limit_reset(what)
            try:
                body = operation(**params, **self._call_options, cls=partial(self._capture, what))
            except HttpResponseError as exc:
                # azure-core types the response loosely; pydo's is a full HttpResponse.
                response: Any = exc.response
                if isinstance(exc, DecodeError) or response is None or exc.status_code != 429:
                    raise _translate(what, exc) from exc
                if attempt == self._limits.max_throttle_retries:
                    raise ProviderThrottledError(
                        f"DigitalOcean {what}: still rate limited (429) after "
                        f"{attempt + 1} attempts; try again later"
                    ) from exc
                self._sleep_bounded(what, self._retry_after(response.headers))
                continue
            except (AzureError, ValueError) as exc:
                raise _translate(what, exc) from exc
            if not isinstance(body, dict):
                raise ProviderResponseError(f"DigitalOcean {what}: expected a JSON object")
            return body
        raise AssertionError("unreachable: the loop returns or raises")

    def _capture(self, what: str, pipeline_response: Any, body: Any, _headers: Any) -> Any:
        """pydo's `cls` hook: sees every successful response's status and raw headers."""
        response = pipeline_response.http_response
        self._note_rate_limit(response.headers)
        if response.status_code != 200:  # pydo passes some 404s through as bodies
            message = body.get("message", "") if isinstance(body, dict) else ""
            raise ProviderResponseError(
                f"DigitalOcean {what}: answered {response.status_code} ({message or 'no message'})"
            )
        return body

    def _note_rate_limit(self, headers: Mapping[str, str]) -> None:
        remaining = _header_number(headers, "ratelimit-remaining")
        reset = _header_number(headers, "ratelimit-reset")
        if remaining is not None and remaining <= 0 and reset is not None:
            self._blocked_until = reset
        else:
            self._blocked_until = None

    def _wait_for_rate_limit_reset(self, what: str) -> None:
        if self._blocked_until is None:
            return
        self._sleep_bounded(what, self._blocked_until - self._limits.clock())
        self._blocked_until = None

    def _retry_after(self, headers: Mapping[str, str]) -> float:
        retry_after = _header_number(headers, "retry-after")
        if retry_after is not None:
            return retry_after
        reset = _header_number(headers, "ratelimit-reset")
        if reset is not None:
            return reset - self._limits.clock()
        return DEFAULT_BACKOFF_SECONDS

    def _sleep_bounded(self, what: str, seconds: float) -> None:
        if seconds > self._limits.max_wait_seconds:
            raise ProviderThrottledError(
                f"DigitalOcean {what}: rate limit resets in {seconds:.0f}s, longer than the "
                f"{self._limits.max_wait_seconds:.0f}s we wait; try again later"
            )
        if seconds > 0:
            self._limits.sleep(seconds)


def _has_next_page(body: JSON, what: str) -> bool:
    links = body.get("links") or {}
    pages = links.get("pages") if isinstance(links, dict) else None
    if pages is None:
        return False
    if not isinstance(pages, dict):
        raise ProviderResponseError(f"DigitalOcean {what}: 'links.pages' is not an object")
    return bool(pages.get("next"))


def _header_number(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _translate(what: str, exc: Exception) -> ConnectorError:
    if isinstance(exc, DecodeError | DeserializationError | ValueError):
        return ProviderResponseError(f"DigitalOcean {what}: response is not valid JSON ({exc})")
    if isinstance(exc, ServiceRequestError | ServiceResponseError):
        return ProviderUnavailableError(f"DigitalOcean {what}: cannot reach the API ({exc})")
    if not isinstance(exc, HttpResponseError) or exc.response is None:
        return ProviderUnavailableError(f"DigitalOcean {what}: {exc}")
    status = exc.status_code
    detail = _error_message(exc)
    if status == 401:
        return ProviderAuthError(
            f"DigitalOcean rejected the API token: token invalid or revoked (401 {detail})"
        )
    if status == 403:
        return ProviderPermissionError(
            f"DigitalOcean token may not read billing: it needs the 'billing:read' scope "
            f"(403 {detail})"
        )
    if status is not None and status >= 500:
        return ProviderUnavailableError(f"DigitalOcean {what}: server error {status} ({detail})")
    return ProviderResponseError(f"DigitalOcean {what}: unexpected status {status} ({detail})")


def _error_message(exc: HttpResponseError) -> str:
    """DigitalOcean's error body is {"id": ..., "message": ...}; show both when present."""
    response: Any = exc.response
    try:
        body = response.json() if response is not None else None
    except ValueError:
        body = None
    if isinstance(body, dict) and ("id" in body or "message" in body):
        return f"{body.get('id', '')}: {body.get('message', '')}".strip(": ")
    return exc.reason or "no detail"
