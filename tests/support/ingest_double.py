"""A test double of ingest's gRPC server: CloudAccountService and CostQueryService over
in-memory data the test sets, served by the kit (real grpc.aio server, signed caller context
verified like every service, answers scoped to the caller's org).

    data = IngestData()
    account = data.add_account("org-a", "Acme prod")
    data.add_cost("org-a", account, date(2026, 1, 5), "Amazon EC2", "12.345", "USD")
    running = await start_ingest_double(settings, data)
    # point invoicing at it: settings.model_copy(update={"ingest_addr": running.address})
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import grpc
from costgrid.common.v1 import money_pb2, provider_pb2
from costgrid.ingest.v1 import service_pb2 as pb
from costgrid.ingest.v1 import service_pb2_grpc as ingest_grpc

from services.common.caller import Caller, current_caller
from services.common.errors import InvalidArgument, NotFound
from services.common.money import decimal_str
from services.common.server import (
    RunningService,
    Runtime,
    ServiceDefinition,
    runtime_itself,
    service_name,
    start,
)
from services.common.settings import Settings


@dataclass
class FakeAccount:
    id: int
    org_id: str
    name: str
    active: bool = True


@dataclass(frozen=True)
class CostRow:
    org_id: str
    account_id: int
    day: date
    service: str
    currency: str
    amount: Decimal


@dataclass
class IngestData:
    accounts: dict[int, FakeAccount] = field(default_factory=dict)
    costs: list[CostRow] = field(default_factory=list)
    # Every call as (method, caller): what invoicing asked and on whose behalf.
    calls: list[tuple[str, Caller]] = field(default_factory=list)
    # Small pages make clients walk next_page_token.
    max_page_size: int = 2
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def add_account(self, org_id: str, name: str, active: bool = True) -> int:
        account_id = next(self._ids)
        self.accounts[account_id] = FakeAccount(account_id, org_id, name, active)
        return account_id

    def add_cost(
        self,
        org_id: str,
        account_id: int,
        day: date,
        service: str,
        amount: str | Decimal,
        currency: str = "USD",
    ) -> None:
        self.costs.append(CostRow(org_id, account_id, day, service, currency, Decimal(amount)))

    def replace_costs(self, account_id: int, rows: Iterable[tuple[date, str, str, str]]) -> None:
        """A re-sync: the account's rows become (day, service, amount, currency)."""
        account = self.accounts[account_id]
        self.costs = [c for c in self.costs if c.account_id != account_id]
        for day, service, amount, currency in rows:
            self.add_cost(account.org_id, account_id, day, service, amount, currency)

    def _own(self, account_id: int) -> FakeAccount:
        account = self.accounts.get(account_id)
        if account is None or account.org_id != current_caller().org_id:
            raise NotFound(f"cloud account {account_id} not found", reason="ACCOUNT_NOT_FOUND")
        return account

    def _record(self, method: str) -> None:
        self.calls.append((method, current_caller()))


def _account_pb(account: FakeAccount) -> pb.CloudAccount:
    return pb.CloudAccount(
        id=account.id, name=account.name, provider=provider_pb2.PROVIDER_AWS, active=account.active
    )


class CloudAccountDouble(ingest_grpc.CloudAccountServiceServicer):
    def __init__(self, data: IngestData) -> None:
        self._data = data

    async def ListCloudAccounts(self, request: Any, context: Any) -> pb.ListCloudAccountsResponse:
        self._data._record("ListCloudAccounts")
        org = current_caller().org_id
        after = int(request.page_token or 0)
        size = min(request.page_size or 50, self._data.max_page_size)
        matching = [
            a
            for a in sorted(self._data.accounts.values(), key=lambda a: a.id)
            if a.org_id == org and a.id > after and (a.active or not request.active_only)
        ]
        page = matching[:size]
        token = str(page[-1].id) if len(matching) > size else ""
        return pb.ListCloudAccountsResponse(
            cloud_accounts=[_account_pb(a) for a in page], next_page_token=token
        )

    async def GetCloudAccount(self, request: Any, context: Any) -> pb.GetCloudAccountResponse:
        self._data._record("GetCloudAccount")
        return pb.GetCloudAccountResponse(
            cloud_account=_account_pb(self._data._own(request.account_id))
        )


class CostQueryDouble(ingest_grpc.CostQueryServiceServicer):
    def __init__(self, data: IngestData) -> None:
        self._data = data

    async def SumCosts(self, request: Any, context: Any) -> pb.SumCostsResponse:
        self._data._record("SumCosts")
        account = self._data._own(request.account_id)
        if not request.period.start_date or not request.period.end_date:
            raise InvalidArgument("period", "is required")
        start = date.fromisoformat(request.period.start_date)
        end = date.fromisoformat(request.period.end_date)
        totals: dict[str, Decimal] = {}
        by_service: dict[tuple[str, str], Decimal] = {}
        days = [row.day for row in self._data.costs if row.account_id == account.id]
        for row in self._data.costs:
            if row.account_id == account.id and start <= row.day <= end:
                totals[row.currency] = totals.get(row.currency, Decimal(0)) + row.amount
                key = (row.service, row.currency)
                by_service[key] = by_service.get(key, Decimal(0)) + row.amount
        return pb.SumCostsResponse(
            account_name=account.name,
            provider=provider_pb2.PROVIDER_AWS,
            totals=[
                money_pb2.Money(currency_code=c, amount=decimal_str(a))
                for c, a in sorted(totals.items())
            ],
            by_service=[
                pb.ServiceCost(
                    service=service, amount=money_pb2.Money(currency_code=c, amount=decimal_str(a))
                )
                for (service, c), a in sorted(by_service.items(), key=lambda kv: -kv[1])
            ],
            first_cost_date=min(days).isoformat() if days else "",
        )


def definition(data: IngestData) -> ServiceDefinition:
    def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
        ingest_grpc.add_CloudAccountServiceServicer_to_server(CloudAccountDouble(data), server)
        ingest_grpc.add_CostQueryServiceServicer_to_server(CostQueryDouble(data), server)
        return [service_name(pb, "CloudAccountService"), service_name(pb, "CostQueryService")]

    return ServiceDefinition(
        name="ingest",
        deps=runtime_itself,
        register=register,
        uses_database=False,
        uses_messaging=False,
    )


async def start_ingest_double(settings: Settings, data: IngestData) -> RunningService:
    return await start(definition(data), settings.model_copy(update={"ingest_addr": "127.0.0.1:0"}))
