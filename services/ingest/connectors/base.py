"""What every provider connector offers, and the errors it may raise.

Connectors wrap the providers' own (synchronous) SDKs; the sync worker runs them in a
thread. They raise only `ConnectorError` subclasses, each with a message a user can act on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from services.ingest.domain.cost_items import CostLineItem, DateWindow


@dataclass(frozen=True)
class AccountConfig:
    """A cloud account as a connector sees it: plain settings plus decrypted credentials."""

    provider: str  # AWS | GCP | AZURE | DIGITALOCEAN | FOCUS_FILE
    settings: Mapping[str, Any] = field(default_factory=dict)
    credentials: Mapping[str, str] = field(default_factory=dict)
    endpoint: str | None = None  # override of the provider's API endpoint


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str


class ConnectorError(Exception):
    """A provider call failed; `reason` is UPPER_SNAKE and stable, `message` is for humans."""

    reason = "PROVIDER_ERROR"
    retryable = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProviderAuthError(ConnectorError):
    reason = "PROVIDER_AUTH_FAILED"


class ProviderPermissionError(ConnectorError):
    reason = "PROVIDER_PERMISSION_DENIED"


class ProviderThrottledError(ConnectorError):
    reason = "PROVIDER_THROTTLED"
    retryable = True


class ProviderResponseError(ConnectorError):
    """The provider answered with something we cannot read (malformed or unexpected)."""

    reason = "PROVIDER_BAD_RESPONSE"


class ProviderUnavailableError(ConnectorError):
    reason = "PROVIDER_UNAVAILABLE"
    retryable = True


class ConnectorConfigError(ConnectorError):
    reason = "ACCOUNT_MISCONFIGURED"


class Connector(Protocol):
    def fetch(self, window: DateWindow) -> Iterator[CostLineItem]:
        """Every line item whose charge day falls inside `window`."""
        ...

    def test_connection(self) -> ConnectionCheck: ...


def required(config: Mapping[str, Any], key: str, where: str) -> Any:
    value = config.get(key)
    if value in (None, ""):
        raise ConnectorConfigError(f"{where} '{key}' is required")
    return value
