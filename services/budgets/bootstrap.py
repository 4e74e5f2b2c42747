"""Wiring of the budgets service: settings and connections to servicers, consumers and loops."""

from __future__ import annotations

from services.common.server import ServiceDefinition
from services.budgets import api


def definition() -> ServiceDefinition:
    return ServiceDefinition(name="budgets", register=api.register)
