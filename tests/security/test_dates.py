"""Dates at the edges of the calendar (issue 14, item 5): every date a caller sends, in every
service, is 400 naming the field outside 2000-01-01 .. 2099-12-31; never a 500, never a change."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.gateway_stack import Stack

OUTSIDE = ("0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31")
METERS = ("cpu", "memory", "storage", "metrics_series", "logs_bytes")
PLAN = "{plan_id}"  # filled with the first org's plan in bodies


def _cases(day: str) -> list[tuple[str, str, dict[str, Any], Any, str]]:
    """(method, path template, query, body, the field the 400 must name) for one date."""
    stamp, month = f"{day}T00:00:00Z", day[:7]
    return [
        ("GET", "/costs/overview", {"as_of_date": day}, None, "as_of_date"),
        ("GET", "/costs/trend", {"as_of_date": day, "granularity": "month"}, None, "as_of_date"),
        ("GET", "/costs/trend", {"as_of_date": day, "days": 365}, None, "as_of_date"),
        ("GET", "/budgets/{budget_id}/status", {"as_of_date": day}, None, "as_of_date"),
        ("GET", "/metering/tenants/{tenant_id}/usage", {"period": month}, None, "period"),
        ("POST", f"/metering/tenants/{{tenant_id}}/periods/{month}/close", {}, {}, "period"),
        ("GET", "/invoices", {"period_year": int(day[:4])}, None, "period_year"),
        ("POST", "/invoices/generate", {}, {"year": int(day[:4]), "month": 1}, "year"),
        ("POST", "/metering/tenants/{tenant_id}/subscription", {},
         {"plan_id": PLAN, "effective_time": stamp}, "effective_time"),
        ("POST", "/metering/tenants/{tenant_id}/credits", {},
         {"amount": {"amount": 5, "currency": "USD"}, "expire_time": stamp}, "expire_time"),
        ("POST", "/metering/tenants", {},
         {"tenant": {"id": "edge", "overage_policy": "allowed"}, "plan_id": PLAN,
          "start_time": stamp}, "start_time"),
        ("POST", "/metering/price-books", {},
         {"name": "edge", "effective_from": day, "currency_code": "USD",
          "rates": [{"meter": m, "rate": 1} for m in METERS]}, "price_book.effective_from"),
        ("POST", "/tokens", {}, {"name": "edge", "role": "viewer", "expire_time": stamp},
         "expire_time"),
    ]  # fmt: skip


CASES = [(day, *case) for day in OUTSIDE for case in _cases(day)]


def _id(case: tuple[Any, ...]) -> str:
    day, method, path, *_ = case
    return f"{method} {path} {day}"


async def _state(admin: httpx.AsyncClient) -> list[Any]:
    """What a refused date could have changed."""
    paths = (
        "/tokens",
        "/metering/tenants",
        "/metering/price-books",
        "/invoices",
        "/metering/credits",
    )
    state = [(await admin.get(f"/api/v1{p}", params={"page_size": 500})).json() for p in paths]
    for token in state[0]["tokens"]:
        token.pop("last_use_time")  # the admin's own token is in use
    return state


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_a_date_outside_the_supported_range_is_400_naming_the_field(
    stack: Stack, first_org: dict[str, Any], case: tuple[Any, ...]
) -> None:
    _, method, template, query, body, field = case
    if isinstance(body, dict):
        body = {k: first_org["plan_id"] if v == PLAN else v for k, v in body.items()}
    admin = stack.http(stack.tokens["default:admin"])
    before = await _state(admin) if method != "GET" else None
    path = "/api/v1" + template.format(**first_org)
    response = await admin.request(method, path, params=query, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["details"]["field"] == field
    if before is not None:
        assert await _state(admin) == before


@pytest.mark.parametrize("day", ["2000-01-01", "2024-02-29", "2099-12-31"])
async def test_dates_at_the_inside_edges_are_answered(stack: Stack, day: str) -> None:
    viewer = stack.http(stack.tokens["default:viewer"])
    overview = await viewer.get("/api/v1/costs/overview", params={"as_of_date": day})
    assert overview.status_code == 200, overview.text
    trend = await viewer.get(
        "/api/v1/costs/trend", params={"as_of_date": day, "granularity": "month", "days": 365}
    )
    assert trend.status_code == 200, trend.text
