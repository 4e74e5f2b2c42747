"""Google API failures turned into connector errors, and a bounded retry for throttling.

The SDKs' own retries are switched off by the callers: their deadlines run to minutes,
and a sync task should give up after a few tries and let the job report the account.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import requests
from google.api_core import exceptions as api
from google.auth import exceptions as auth
from google.protobuf.json_format import ParseError

from services.ingest.connectors.base import (
    ConnectorConfigError,
    ConnectorError,
    ProviderAuthError,
    ProviderPermissionError,
    ProviderResponseError,
    ProviderThrottledError,
    ProviderUnavailableError,
)
from services.ingest.connectors.retry import RetryPolicy

T = TypeVar("T")

_THROTTLE_REASONS = frozenset({"rateLimitExceeded", "quotaExceeded", "jobRateLimitExceeded"})
_REQUEST_PREFIX = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) \S+: ")
_MALFORMED = (ValueError, KeyError, TypeError, AttributeError, IndexError, ParseError)


@dataclass(frozen=True)
class ApiContext:
    """What to tell the user for each failure of one API."""

    api: str  # "Cloud Billing" | "BigQuery"
    permission_hint: str
    not_found_hint: str


def with_retry(call: Callable[[], T], context: ApiContext, policy: RetryPolicy) -> T:
    """Run `call`, translating failures; retry the retryable ones up to `policy.max_attempts`."""
    for attempt in range(policy.max_attempts):
        try:
            return call()
        except Exception as exc:  # every SDK failure is translated below
            error = translate(exc, context)
            if not error.retryable or attempt + 1 == policy.max_attempts:
                raise error from exc
            time.sleep(policy.delay(attempt))
    raise AssertionError("unreachable: attempts must be at least 1")


def translate(exc: Exception, context: ApiContext) -> ConnectorError:
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, api.GoogleAPICallError):
        return _from_api_error(exc, context)
    if isinstance(exc, auth.RefreshError):
        return ProviderAuthError(
            "Google rejected the service-account key when asking for an access token: "
            f"{_refresh_text(exc)}. "
            "Check that the key and its service account still exist and are enabled."
        )
    if isinstance(exc, auth.TransportError | requests.ConnectionError | requests.Timeout):
        return ProviderUnavailableError(f"{context.api} could not be reached: {exc}")
    if isinstance(exc, _MALFORMED):
        return ProviderResponseError(f"{context.api} sent a response we could not read: {exc!r}")
    return ConnectorError(f"{context.api} call failed: {exc!r}")


def _from_api_error(exc: api.GoogleAPICallError, context: ApiContext) -> ConnectorError:
    reasons = {e.get("reason") for e in exc.errors if isinstance(e, dict)}
    text = f"{context.api} said: {_what_google_said(exc.message)}"
    if isinstance(exc, api.TooManyRequests) or reasons & _THROTTLE_REASONS:
        return ProviderThrottledError(f"{text}. Rate limit or quota reached; retry later.")
    if isinstance(exc, api.Unauthorized):
        return ProviderAuthError(f"{text}. The service-account credentials were not accepted.")
    if isinstance(exc, api.Forbidden):
        return ProviderPermissionError(f"{text}. {context.permission_hint}")
    if isinstance(exc, api.NotFound):
        return ConnectorConfigError(f"{text}. {context.not_found_hint}")
    if isinstance(exc, api.BadRequest):
        return ConnectorConfigError(f"{text}. {context.not_found_hint}")
    if isinstance(exc, api.ServerError):
        return ProviderUnavailableError(f"{text}. Google reported a server error; retry later.")
    return ConnectorError(text)


def _what_google_said(message: str) -> str:
    # google-cloud-core prefixes "METHOD URL: " and BigQuery appends location and job id.
    return _REQUEST_PREFIX.sub("", message).split("\n\n", 1)[0].strip()


def _refresh_text(exc: auth.RefreshError) -> str:
    # RefreshError carries (message, response body); show only what Google said.
    if len(exc.args) > 1 and isinstance(exc.args[1], dict | str):
        body = exc.args[1]
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                return str(exc.args[0])
        if isinstance(body, dict):
            return str(body.get("error_description") or body.get("error") or exc.args[0])
    return str(exc.args[0]) if exc.args else "refresh failed"
