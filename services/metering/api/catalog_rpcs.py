"""RPCs for price books, plans, tenants, subscriptions and credits: proto in, handler, proto out."""

from __future__ import annotations

import time
from typing import Any

from costgrid.metering.v1 import service_pb2 as pb

from services.common.caller import current_caller
from services.common.db import Database
from services.common.pagination import decode_token, encode_token, page_size
from services.common.servicer import Ctx
from services.metering.api import convert
from services.metering.handlers import catalog, tenants


class CatalogRpcs:
    db: Database
    secret: bytes

    def _page(self, token: str, scope: str) -> list[Any] | None:
        return decode_token(token, self.secret, scope)

    def _next(self, rows: list[Any], limit: int, key: list[Any], scope: str) -> str:
        return encode_token(key, self.secret, scope) if len(rows) == limit else ""

    async def CreatePriceBook(
        self, request: pb.CreatePriceBookRequest, context: Ctx
    ) -> pb.CreatePriceBookResponse:
        book = request.price_book
        row = await catalog.create_price_book(
            self.db,
            request.request_id,
            book.name,
            book.effective_from,
            book.currency_code,
            [(r.meter, r.unit, r.rate) for r in book.rates],
        )
        return pb.CreatePriceBookResponse(price_book=convert.price_book(row))

    async def ListPriceBooks(
        self, request: pb.ListPriceBooksRequest, context: Ctx
    ) -> pb.ListPriceBooksResponse:
        org, limit = current_caller().org_id, page_size(request.page_size)
        scope = f"books:{request.name}"
        after = self._page(request.page_token, scope)
        rows = await catalog.list_price_books(
            self.db, org, request.name, tuple(after) if after else None, limit
        )
        token = self._next(
            rows, limit, [rows[-1]["name"], rows[-1]["version"]] if rows else [], scope
        )
        return pb.ListPriceBooksResponse(
            price_books=[convert.price_book(r) for r in rows], next_page_token=token
        )

    async def CreatePlan(
        self, request: pb.CreatePlanRequest, context: Ctx
    ) -> pb.CreatePlanResponse:
        plan = request.plan
        fee = (
            (plan.base_fee.amount, plan.base_fee.currency_code)
            if plan.HasField("base_fee")
            else None
        )
        row = await catalog.create_plan(
            self.db,
            request.request_id,
            plan.name,
            plan.price_book_name,
            plan.metrics_series_allowance,
            plan.logs_bytes_allowance,
            fee,
        )
        return pb.CreatePlanResponse(plan=convert.plan(row))

    async def ListPlans(self, request: pb.ListPlansRequest, context: Ctx) -> pb.ListPlansResponse:
        org, limit = current_caller().org_id, page_size(request.page_size)
        after = self._page(request.page_token, "plans") or [0]
        rows = await catalog.list_plans(self.db, org, int(after[0]), limit)
        token = self._next(rows, limit, [rows[-1]["id"]] if rows else [], "plans")
        return pb.ListPlansResponse(plans=[convert.plan(r) for r in rows], next_page_token=token)

    async def GetPlan(self, request: pb.GetPlanRequest, context: Ctx) -> pb.GetPlanResponse:
        row = await catalog.get_plan(self.db, current_caller().org_id, request.plan_id)
        return pb.GetPlanResponse(plan=convert.plan(row))

    async def CreateTenant(
        self, request: pb.CreateTenantRequest, context: Ctx
    ) -> pb.CreateTenantResponse:
        row, windows = await tenants.create_tenant(
            self.db,
            request.request_id,
            request.tenant.id,
            request.tenant.name,
            request.tenant.overage_policy,
            request.plan_id,
            convert.optional_time(request, "start_time"),
        )
        return pb.CreateTenantResponse(tenant=convert.tenant(row, windows, int(time.time())))

    async def GetTenant(self, request: pb.GetTenantRequest, context: Ctx) -> pb.GetTenantResponse:
        row, windows = await tenants.get_tenant(self.db, current_caller().org_id, request.tenant_id)
        return pb.GetTenantResponse(tenant=convert.tenant(row, windows, int(time.time())))

    async def ListTenants(
        self, request: pb.ListTenantsRequest, context: Ctx
    ) -> pb.ListTenantsResponse:
        org, limit = current_caller().org_id, page_size(request.page_size)
        after = self._page(request.page_token, "tenants") or [""]
        found = await tenants.list_tenants(self.db, org, str(after[0]), limit)
        token = self._next(found, limit, [found[-1][0]["tenant_id"]] if found else [], "tenants")
        now = int(time.time())
        return pb.ListTenantsResponse(
            tenants=[convert.tenant(r, w, now) for r, w in found], next_page_token=token
        )

    async def ChangeSubscription(
        self, request: pb.ChangeSubscriptionRequest, context: Ctx
    ) -> pb.ChangeSubscriptionResponse:
        row, windows = await tenants.change_subscription(
            self.db,
            request.tenant_id,
            request.plan_id,
            convert.optional_time(request, "effective_time"),
        )
        return pb.ChangeSubscriptionResponse(tenant=convert.tenant(row, windows, int(time.time())))

    async def AddCredit(self, request: pb.AddCreditRequest, context: Ctx) -> pb.AddCreditResponse:
        row = await tenants.add_credit(
            self.db,
            request.request_id,
            request.tenant_id,
            (request.amount.amount, request.amount.currency_code),
            convert.optional_time(request, "expire_time"),
            request.reason,
        )
        return pb.AddCreditResponse(credit=convert.credit(row))

    async def ListCredits(
        self, request: pb.ListCreditsRequest, context: Ctx
    ) -> pb.ListCreditsResponse:
        org, limit = current_caller().org_id, page_size(request.page_size)
        scope = f"credits:{request.tenant_id}"
        after = self._page(request.page_token, scope) or [0]
        rows = await tenants.list_credits(self.db, org, request.tenant_id, int(after[0]), limit)
        token = self._next(rows, limit, [rows[-1]["id"]] if rows else [], scope)
        return pb.ListCreditsResponse(
            credits=[convert.credit(r) for r in rows], next_page_token=token
        )
