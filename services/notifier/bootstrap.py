"""Wiring of the notifier service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

from services.common.server import ServiceDefinition
from services.notifier import api


def definition() -> ServiceDefinition:
    return ServiceDefinition(name="notifier", register=api.register)
