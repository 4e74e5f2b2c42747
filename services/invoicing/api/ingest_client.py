"""What invoicing asks ingest over gRPC: active accounts, and an account's costs per period.

The channel signs the caller context (the current call's caller, or a system caller for
background work), so ingest answers for that organization only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

import grpc
from costgrid.common.v1 import date_range_pb2
from costgrid.ingest.v1 import service_pb2 as ingest_pb
from costgrid.ingest.v1 import service_pb2_grpc as ingest_grpc

from services.common.errors import NotFound, PermissionDenied, Unavailable
from services.common.money import parse_currency, parse_decimal
from services.invoicing.domain.pricing import ServiceCost

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Account:
    id: int
    name: str


@dataclass
class CostSummary:
    account_name: str
    # The account's first day with any cost, whatever the period asked; None: no cost ever.
    first_day: date | None = None
    # Per currency: the total and the per-service amounts, full precision.
    totals: dict[str, Decimal] = field(default_factory=dict)
    by_service: dict[str, list[ServiceCost]] = field(default_factory=dict)

    def currencies(self) -> list[str]:
        return sorted(set(self.totals) | set(self.by_service))


class IngestClient:
    def __init__(self, channel_of: Callable[[], grpc.aio.Channel]) -> None:
        self._channel_of = channel_of

    async def active_accounts(self) -> list[Account]:
        stub = ingest_grpc.CloudAccountServiceStub(self._channel_of())
        accounts, token = [], ""
        while True:
            response = await _call(
                stub.ListCloudAccounts(
                    ingest_pb.ListCloudAccountsRequest(
                        page_size=500, page_token=token, active_only=True
                    ),
                    timeout=TIMEOUT_SECONDS,
                )
            )
            accounts += [Account(a.id, a.name) for a in response.cloud_accounts if a.active]
            token = response.next_page_token
            if not token:
                return sorted(accounts, key=lambda a: a.id)

    async def account(self, account_id: int) -> Account:
        stub = ingest_grpc.CloudAccountServiceStub(self._channel_of())
        response = await _call(
            stub.GetCloudAccount(
                ingest_pb.GetCloudAccountRequest(account_id=account_id), timeout=TIMEOUT_SECONDS
            )
        )
        return Account(response.cloud_account.id, response.cloud_account.name)

    async def sum_costs(self, account_id: int, start: date, end: date) -> CostSummary:
        stub = ingest_grpc.CostQueryServiceStub(self._channel_of())
        period = date_range_pb2.DateRange(start_date=start.isoformat(), end_date=end.isoformat())
        response = await _call(
            stub.SumCosts(
                ingest_pb.SumCostsRequest(account_id=account_id, period=period),
                timeout=TIMEOUT_SECONDS,
            )
        )
        first = response.first_cost_date
        summary = CostSummary(response.account_name, date.fromisoformat(first) if first else None)
        for total in response.totals:
            currency = parse_currency(total.currency_code, "ingest.totals.currency_code")
            summary.totals[currency] = parse_decimal(total.amount, "ingest.totals.amount")
        for item in response.by_service:
            currency = parse_currency(item.amount.currency_code, "ingest.by_service.currency_code")
            amount = parse_decimal(item.amount.amount, "ingest.by_service.amount")
            summary.by_service.setdefault(currency, []).append(ServiceCost(item.service, amount))
        return summary


_Response = TypeVar("_Response")
_UNAVAILABLE = (
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
)


async def _call(call: Awaitable[_Response]) -> _Response:
    """Ingest's failures in the caller's terms; anything else is our bug (INTERNAL, logged)."""
    try:
        return await call
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.NOT_FOUND:
            raise NotFound(f"ingest: {exc.details()}", reason="CLOUD_ACCOUNT_NOT_FOUND") from exc
        if exc.code() == grpc.StatusCode.PERMISSION_DENIED:
            raise PermissionDenied(f"ingest: {exc.details()}", reason="INGEST_DENIED") from exc
        if exc.code() in _UNAVAILABLE:
            raise Unavailable(
                f"ingest could not answer ({exc.code().name}): {exc.details()}",
                reason="INGEST_UNAVAILABLE",
            ) from exc
        raise RuntimeError(f"ingest answered {exc.code().name}: {exc.details()}") from exc
