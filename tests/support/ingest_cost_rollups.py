"""Cost query tests: rollups written straight into the ingest schema, and a query client.

Rows go in through the ingest service's own database role, the way the storage layer
writes them, so the queries are tested against exactly what they will read.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import grpc
from costgrid.ingest.v1 import service_pb2_grpc as grpc_ingest
from sqlalchemy import text

from services.common.caller import Caller
from services.common.db import Database
from services.common.server import RunningService, ServiceDefinition, runtime_itself, start
from services.common.settings import Settings
from services.ingest.api import cost_query_service as api_queries
from services.ingest.domain.provider_types import ACCOUNT_TYPES
from tests.support.grpc_client import channel_as


def queries_definition() -> ServiceDefinition:
    """The ingest service's schema and role with only CostQueryService on it."""
    return ServiceDefinition(
        name="ingest", deps=runtime_itself, register=api_queries.register, uses_messaging=False
    )


@asynccontextmanager
async def running_queries(settings: Settings) -> AsyncIterator[RunningService]:
    running = await start(queries_definition(), settings)
    try:
        yield running
    finally:
        await running.stop(grace=1)


def new_org() -> str:
    return f"org-{uuid.uuid4().hex[:10]}"


@dataclass(frozen=True)
class Row:
    account_id: int
    day: date
    amount: str
    service: str = "EC2"
    region: str = "us-east-1"
    currency: str = "USD"
    provider: str = "AWS"
    provider_type: str = ""  # the account's own type when empty


class Costs:
    """Writes one organization's accounts and rollups."""

    def __init__(self, db: Database, org_id: str) -> None:
        self.db = db
        self.org_id = org_id

    async def account(self, name: str, provider: str = "AWS", deleted: bool = False) -> int:
        async with self.db.transaction() as session:
            return (
                await session.execute(
                    text(
                        "INSERT INTO cloud_accounts (org_id, name, provider, deleted_at)"
                        " VALUES (:org, :name, :provider,"
                        " CASE WHEN :deleted THEN now() END) RETURNING id"
                    ),
                    {"org": self.org_id, "name": name, "provider": provider, "deleted": deleted},
                )
            ).scalar_one()

    async def rollups(self, *rows: Row) -> None:
        if not rows:
            return
        async with self.db.transaction() as session:
            await session.execute(
                text(
                    "INSERT INTO daily_rollups"
                    " (org_id, account_id, day, provider, provider_type, service, region,"
                    " currency, amount) VALUES (:org, :account, :day, :provider, :type,"
                    " :service, :region, :currency, CAST(:amount AS numeric))"
                ),
                [
                    {
                        "org": self.org_id,
                        "account": r.account_id,
                        "day": r.day,
                        "provider": r.provider,
                        "type": r.provider_type or ACCOUNT_TYPES[r.provider],
                        "service": r.service,
                        "region": r.region,
                        "currency": r.currency,
                        "amount": r.amount,
                    }
                    for r in rows
                ],
            )

    async def tag(
        self, account_id: int, day: date, key: str, value: str, amount: str, currency: str = "USD"
    ) -> None:
        async with self.db.transaction() as session:
            await session.execute(
                text(
                    "INSERT INTO daily_tag_rollups"
                    " (org_id, account_id, day, tag_key, tag_value, currency, amount)"
                    " VALUES (:org, :account, :day, :key, :value, :currency,"
                    " CAST(:amount AS numeric))"
                ),
                {
                    "org": self.org_id,
                    "account": account_id,
                    "day": day,
                    "key": key,
                    "value": value,
                    "currency": currency,
                    "amount": amount,
                },
            )


class QueryClients:
    """Stubs calling the running service as a given org and role; `close()` ends them all."""

    def __init__(self, running: RunningService, settings: Settings) -> None:
        self._running = running
        self._settings = settings
        self._channels: list[grpc.aio.Channel] = []

    def __call__(self, org_id: str, role: str = "viewer") -> grpc_ingest.CostQueryServiceStub:
        caller = Caller(org_id, role, "tests")
        channel = channel_as(self._running.address, self._settings, caller)
        self._channels.append(channel)
        return grpc_ingest.CostQueryServiceStub(channel)

    async def close(self) -> None:
        for channel in self._channels:
            await channel.close()


def amounts(moneys: object) -> dict[str, Decimal]:
    """Repeated Money -> {currency: amount}."""
    return {m.currency_code: Decimal(m.amount) for m in moneys}  # type: ignore[attr-defined]
