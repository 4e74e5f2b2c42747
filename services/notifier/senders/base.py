"""What every sender gets: the channel to send through and the shared connections."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any

import httpx

from services.notifier.domain.network import AddressPolicy


@dataclass(frozen=True)
class Target:
    """A channel with its secrets opened, for one send."""

    channel_id: int
    kind: str
    config: dict[str, Any]
    secrets: dict[str, Any]


@dataclass(frozen=True)
class SendContext:
    client: httpx.AsyncClient
    # The client's own transport: a request that needs none of the client's cookies,
    # redirects or auth flows goes straight to it, at about two thirds of the cost.
    transport: httpx.AsyncBaseTransport
    policy: AddressPolicy
    ssl: ssl.SSLContext
    timeout: float
    sms_base_url: str
