"""Wiring of the ingest service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

from services.common.server import ServiceDefinition
from services.ingest import api


def definition() -> ServiceDefinition:
    return ServiceDefinition(name="ingest", register=api.register)
