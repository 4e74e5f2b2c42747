"""BudgetService CRUD: validation naming the field, idempotent create, masks, roles, paging,
and tenant isolation across every RPC of the service."""

from __future__ import annotations

from datetime import date

import grpc
import pytest
from costgrid.budgets.v1 import service_pb2 as pb
from costgrid.common.v1 import money_pb2
from google.protobuf.field_mask_pb2 import FieldMask

from services.common.errors_client import error_info


def valid(**changes) -> pb.Budget:  # type: ignore[no-untyped-def]
    budget = pb.Budget(
        name="Platform",
        amount=money_pb2.Money(currency_code="USD", amount="2500.50"),
        period=pb.BUDGET_PERIOD_QUARTERLY,
        scope=pb.BudgetScope(account_ids=[5, 3], provider=1, services=["Amazon EC2"]),
    )
    for key, value in changes.items():
        if key == "amount":
            budget.amount.CopyFrom(value)
        elif key == "scope":
            budget.scope.CopyFrom(value)
        else:
            setattr(budget, key, value)
    return budget


@pytest.fixture
async def tenant(tenant):  # type: ignore[no-untyped-def]
    """The scope's accounts (3 and 5) are the org's: its costs have named them."""
    for account in (3, 5):
        await tenant.send(account, (date(2024, 1, 1), date(2024, 1, 1)), [])
    return tenant


async def rejected(call, request) -> tuple[grpc.StatusCode, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call(request)
    return caught.value.code(), error_info(caught.value).metadata.get("field", "")


BAD = [
    ({"name": "  "}, "budget.name"),
    ({"amount": money_pb2.Money(currency_code="USD", amount="0")}, "budget.amount.amount"),
    ({"amount": money_pb2.Money(currency_code="USD", amount="1e3x")}, "budget.amount.amount"),
    ({"amount": money_pb2.Money(currency_code="US", amount="10")}, "budget.amount.currency_code"),
    ({"period": pb.BUDGET_PERIOD_UNSPECIFIED}, "budget.period"),
    ({"alert_threshold_percent": "0.5"}, "budget.alert_threshold_percent"),
    ({"alert_threshold_percent": "1001"}, "budget.alert_threshold_percent"),
    ({"scope": pb.BudgetScope(account_ids=[0])}, "budget.scope.account_ids"),
    ({"scope": pb.BudgetScope(provider=99)}, "budget.scope.provider"),
    ({"scope": pb.BudgetScope(services=[""])}, "budget.scope.services"),
]


@pytest.mark.parametrize(("changes", "field"), BAD)
async def test_bad_budget_is_invalid_argument_naming_the_field_and_nothing_is_created(
    tenant, changes, field
):
    stubs = tenant.stubs()
    request = pb.CreateBudgetRequest(budget=valid(**changes))
    assert await rejected(stubs.budgets.CreateBudget, request) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        field,
    )
    assert not (await stubs.budgets.ListBudgets(pb.ListBudgetsRequest())).budgets


async def test_created_budget_keeps_its_values_and_defaults_the_threshold(tenant):
    budget = (
        await tenant.stubs().budgets.CreateBudget(pb.CreateBudgetRequest(budget=valid()))
    ).budget
    assert (budget.name, budget.amount.amount, budget.amount.currency_code) == (
        "Platform",
        "2500.50",
        "USD",
    )
    assert budget.alert_threshold_percent == "80"
    assert (list(budget.scope.account_ids), list(budget.scope.services)) == ([3, 5], ["Amazon EC2"])
    assert budget.status.budget_id == budget.id and budget.status.spent.amount == "0"


async def test_create_retried_with_the_same_request_id_returns_the_first_budget(tenant):
    stubs = tenant.stubs()
    first = await stubs.budgets.CreateBudget(
        pb.CreateBudgetRequest(request_id="r-1", budget=valid())
    )
    again = await stubs.budgets.CreateBudget(
        pb.CreateBudgetRequest(request_id="r-1", budget=valid(name="Other"))
    )
    assert again.budget.id == first.budget.id and again.budget.name == "Platform"
    assert len((await stubs.budgets.ListBudgets(pb.ListBudgetsRequest())).budgets) == 1


async def test_update_changes_only_the_masked_fields(tenant):
    stubs = tenant.stubs()
    created = (await stubs.budgets.CreateBudget(pb.CreateBudgetRequest(budget=valid()))).budget
    change = valid(name="Renamed", alert_threshold_percent="90")
    change.id = created.id
    updated = (
        await stubs.budgets.UpdateBudget(
            pb.UpdateBudgetRequest(budget=change, update_mask=FieldMask(paths=["name"]))
        )
    ).budget
    assert (updated.name, updated.alert_threshold_percent) == ("Renamed", "80")
    change.amount.amount = "-1"
    assert await rejected(
        stubs.budgets.UpdateBudget,
        pb.UpdateBudgetRequest(budget=change, update_mask=FieldMask(paths=["amount"])),
    ) == (grpc.StatusCode.INVALID_ARGUMENT, "budget.amount.amount")
    assert await rejected(
        stubs.budgets.UpdateBudget,
        pb.UpdateBudgetRequest(budget=change, update_mask=FieldMask(paths=["owner"])),
    ) == (grpc.StatusCode.INVALID_ARGUMENT, "update_mask")
    got = (await stubs.budgets.GetBudget(pb.GetBudgetRequest(budget_id=created.id))).budget
    assert (got.name, got.amount.amount) == ("Renamed", "2500.50")


async def test_deleted_budget_is_gone(tenant):
    stubs = tenant.stubs()
    created = (await stubs.budgets.CreateBudget(pb.CreateBudgetRequest(budget=valid()))).budget
    await stubs.budgets.DeleteBudget(pb.DeleteBudgetRequest(budget_id=created.id))
    code, _ = await rejected(stubs.budgets.GetBudget, pb.GetBudgetRequest(budget_id=created.id))
    assert code == grpc.StatusCode.NOT_FOUND


async def test_list_pages_through_budgets_with_their_status(tenant):
    stubs = tenant.stubs()
    ids = [
        (
            await stubs.budgets.CreateBudget(pb.CreateBudgetRequest(budget=valid(name=f"b{i}")))
        ).budget.id
        for i in range(3)
    ]
    first = await stubs.budgets.ListBudgets(pb.ListBudgetsRequest(page_size=2))
    second = await stubs.budgets.ListBudgets(
        pb.ListBudgetsRequest(page_size=2, page_token=first.next_page_token)
    )
    assert [b.id for b in first.budgets] + [b.id for b in second.budgets] == ids
    assert second.next_page_token == ""
    assert all(b.status.period.start_date for b in first.budgets)


async def test_viewer_may_read_but_not_create_or_dismiss(tenant):
    viewer = tenant.stubs("viewer")
    code, _ = await rejected(viewer.budgets.CreateBudget, pb.CreateBudgetRequest(budget=valid()))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    code, _ = await rejected(
        viewer.anomalies.DismissAnomaly, pb.DismissAnomalyRequest(anomaly_id=1, reason="x")
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED
    assert not (await viewer.budgets.ListBudgets(pb.ListBudgetsRequest())).budgets


async def test_another_org_gets_not_found_and_none_of_the_data(tenant):
    from datetime import date

    from tests.support.budgets_events import days

    span = days(date(2025, 6, 1), 5)
    await tenant.send(61, (span[0], span[-1]), [(d, "VM", "", "10") for d in span])
    own = tenant.stubs()
    budget = (await own.budgets.CreateBudget(pb.CreateBudgetRequest(budget=valid()))).budget
    other = tenant.stubs("admin", org_id="org-intruder")
    not_found = grpc.StatusCode.NOT_FOUND
    for call, request in [
        (other.budgets.GetBudget, pb.GetBudgetRequest(budget_id=budget.id)),
        (other.budgets.GetBudgetStatus, pb.GetBudgetStatusRequest(budget_id=budget.id)),
        (other.budgets.UpdateBudget, pb.UpdateBudgetRequest(budget=budget)),
        (other.budgets.DeleteBudget, pb.DeleteBudgetRequest(budget_id=budget.id)),
        (other.budgets.ListBudgetAlerts, pb.ListBudgetAlertsRequest(budget_id=budget.id)),
    ]:
        assert (await rejected(call, request))[0] == not_found
    assert not (await other.budgets.ListBudgets(pb.ListBudgetsRequest())).budgets
    answer = await other.forecasts.GetForecast(
        pb.GetForecastRequest(account_ids=[61], as_of_date="2025-06-05")
    )
    assert not answer.forecasts
    assert (await own.budgets.GetBudget(pb.GetBudgetRequest(budget_id=budget.id))).budget.id


async def test_call_without_a_signed_caller_is_unauthenticated(tenant):
    from costgrid.budgets.v1 import service_pb2_grpc as grpc_budgets

    from tests.support.grpc_client import channel_as

    async with channel_as(tenant.service.address, tenant.settings, None) as channel:
        stub = grpc_budgets.BudgetServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ListBudgets(pb.ListBudgetsRequest())
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
