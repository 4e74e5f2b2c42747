"""Wiring of the invoicing service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

from services.common.server import ServiceDefinition
from services.invoicing import api


def definition() -> ServiceDefinition:
    return ServiceDefinition(name="invoicing", register=api.register)
