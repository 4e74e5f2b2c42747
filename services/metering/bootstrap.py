"""Wiring of the metering service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

from services.common.server import ServiceDefinition
from services.metering import api


def definition() -> ServiceDefinition:
    return ServiceDefinition(name="metering", register=api.register)
