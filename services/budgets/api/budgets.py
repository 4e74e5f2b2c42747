"""gRPC servicer of BudgetService: proto in, handler call, proto out."""

from __future__ import annotations

from costgrid.budgets.v1 import service_pb2 as pb
from costgrid.budgets.v1 import service_pb2_grpc as grpc_budgets

from services.budgets.api import convert, parse
from services.budgets.deps import Deps
from services.budgets.handlers import budgets as handlers
from services.budgets.handlers.budgets import Standing
from services.common.dates import optional_date
from services.common.pagination import decode_token, page_of, page_size
from services.common.servicer import Ctx


def _budget(standing: Standing) -> pb.Budget:
    return convert.budget(standing[0], _status(standing))


def _status(standing: Standing) -> pb.BudgetStatus:
    budget, status, level = standing
    return convert.status(budget.id, status, budget.spec.currency, level)


class BudgetApi(grpc_budgets.BudgetServiceServicer):
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def CreateBudget(
        self, request: pb.CreateBudgetRequest, context: Ctx
    ) -> pb.CreateBudgetResponse:
        spec = parse.new_budget(request.budget)
        standing = await handlers.create(self._deps, spec, request.request_id.strip())
        return pb.CreateBudgetResponse(budget=_budget(standing))

    async def GetBudget(self, request: pb.GetBudgetRequest, context: Ctx) -> pb.GetBudgetResponse:
        budget_id = parse.positive_id(request.budget_id, "budget_id")
        return pb.GetBudgetResponse(budget=_budget(await handlers.get(self._deps, budget_id)))

    async def ListBudgets(
        self, request: pb.ListBudgetsRequest, context: Ctx
    ) -> pb.ListBudgetsResponse:
        limit = page_size(request.page_size)
        key = decode_token(request.page_token, self._deps.secret, "budgets")
        rows = await handlers.page(self._deps, int(key[0]) if key else 0, limit + 1)
        page, token = page_of(rows, limit, lambda s: [s[0].id], self._deps.secret, "budgets")
        return pb.ListBudgetsResponse(
            budgets=[_budget(s) for s in page],
            next_page_token=token,
        )

    async def UpdateBudget(
        self, request: pb.UpdateBudgetRequest, context: Ctx
    ) -> pb.UpdateBudgetResponse:
        budget_id = parse.positive_id(request.budget.id, "budget.id")
        changes = parse.budget_changes(request.budget, request.update_mask)
        standing = await handlers.update(self._deps, budget_id, changes)
        return pb.UpdateBudgetResponse(budget=_budget(standing))

    async def DeleteBudget(
        self, request: pb.DeleteBudgetRequest, context: Ctx
    ) -> pb.DeleteBudgetResponse:
        await handlers.delete(self._deps, parse.positive_id(request.budget_id, "budget_id"))
        return pb.DeleteBudgetResponse()

    async def GetBudgetStatus(
        self, request: pb.GetBudgetStatusRequest, context: Ctx
    ) -> pb.GetBudgetStatusResponse:
        budget_id = parse.positive_id(request.budget_id, "budget_id")
        as_of = optional_date(request.as_of_date, "as_of_date")
        standing = await handlers.get(self._deps, budget_id, as_of)
        return pb.GetBudgetStatusResponse(status=_status(standing))

    async def ListBudgetAlerts(
        self, request: pb.ListBudgetAlertsRequest, context: Ctx
    ) -> pb.ListBudgetAlertsResponse:
        if request.budget_id < 0:
            parse.positive_id(request.budget_id, "budget_id")
        limit, scope = page_size(request.page_size), f"alerts:{request.budget_id}"
        key = decode_token(request.page_token, self._deps.secret, scope)
        rows = await handlers.alerts(
            self._deps, request.budget_id, int(key[0]) if key else None, limit + 1
        )
        page, token = page_of(rows, limit, lambda a: [a.id], self._deps.secret, scope)
        return pb.ListBudgetAlertsResponse(
            budget_alerts=[convert.alert(a) for a in page], next_page_token=token
        )
