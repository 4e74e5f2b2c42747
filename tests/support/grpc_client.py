"""Calling a service in tests as a given caller, the way the gateway does (signed context)."""

from __future__ import annotations

import grpc

from services.common import clients
from services.common.caller import Caller
from services.common.settings import Settings


def channel_as(address: str, settings: Settings, caller: Caller | None) -> grpc.aio.Channel:
    """`caller=None` sends no caller context at all (for UNAUTHENTICATED tests)."""
    key = settings.context_signing_key.get_secret_value().encode()
    return clients.channel(address, key, caller_of=lambda: caller)
