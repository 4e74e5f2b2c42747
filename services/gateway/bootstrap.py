"""Wiring of the gateway service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

from services.common.server import ServiceDefinition
from services.gateway import api


def definition() -> ServiceDefinition:
    return ServiceDefinition(name="gateway", register=api.register)
