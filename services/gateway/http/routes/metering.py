"""REST routes of the metering service: price books, plans, tenants, usage, credits and
statements."""

from __future__ import annotations

from costgrid.metering.v1 import service_pb2 as metering_pb
from costgrid.metering.v1 import service_pb2_grpc as metering_grpc

from services.gateway.http.proto_routes import Route, Rpc, routes
from services.gateway.http.registry import Router


def _meter(method: str) -> Rpc:
    return Rpc(metering_pb, metering_grpc, "MeteringService", method)


PLAN_EXAMPLE = {
    "name": "standard",
    "price_book_name": "default",
    "metrics_series_allowance": 10000,
    "logs_bytes_allowance": 1000000000,
    "base_fee": {"amount": 99, "currency": "USD"},
}
PRICE_BOOK_EXAMPLE = {
    "name": "default",
    "effective_from": "2026-01-01",
    "currency_code": "USD",
    "rates": [{"meter": "cpu", "unit": "vCPU-hour", "rate": 0.03}],
}
USAGE_EXAMPLE = {
    "events": [
        {
            "id": "evt-1",
            "tenant_id": "acme-prod",
            "cluster_id": "c1",
            "meter": "cpu",
            "quantity": 4,
            "unit": "vCPU",
            "effective_time": "2026-01-01T00:00:00Z",
        }
    ]
}
TENANT_EXAMPLE = {
    "tenant": {"id": "acme-prod", "name": "Acme", "overage_policy": "allowed"},
    "plan_id": 1,
}
CREDIT_EXAMPLE = {"amount": {"amount": 50, "currency": "USD"}, "reason": "goodwill"}

METERING = (
    Route(
        "GET /metering/price-books", "viewer", _meter("ListPriceBooks"), "List price book versions"
    ),
    Route(
        "POST /metering/price-books",
        "admin",
        _meter("CreatePriceBook"),
        "Add a price book version",
        status=201,
        example=PRICE_BOOK_EXAMPLE,
        body="price_book",
        unwrap="price_book",
    ),
    Route("GET /metering/plans", "viewer", _meter("ListPlans"), "List plans"),
    Route(
        "POST /metering/plans",
        "admin",
        _meter("CreatePlan"),
        "Create a plan",
        status=201,
        example=PLAN_EXAMPLE,
        body="plan",
        unwrap="plan",
    ),
    Route(
        "GET /metering/plans/{plan_id}", "viewer", _meter("GetPlan"), "Get a plan", unwrap="plan"
    ),
    Route("GET /metering/tenants", "viewer", _meter("ListTenants"), "List tenants"),
    Route(
        "POST /metering/tenants",
        "admin",
        _meter("CreateTenant"),
        "Create a tenant on its first plan",
        status=201,
        example=TENANT_EXAMPLE,
        body="",
        unwrap="tenant",
    ),
    Route(
        "GET /metering/tenants/{tenant_id}",
        "viewer",
        _meter("GetTenant"),
        "Get a tenant with its plan history",
        unwrap="tenant",
    ),
    Route(
        "POST /metering/tenants/{tenant_id}/subscription",
        "admin",
        _meter("ChangeSubscription"),
        "Move a tenant to another plan",
        example={"plan_id": 1},
        body="",
        unwrap="tenant",
    ),
    Route(
        "GET /metering/tenants/{tenant_id}/estimate",
        "viewer",
        _meter("GetCurrentEstimate"),
        "Charges of the open period so far",
    ),
    Route(
        "GET /metering/tenants/{tenant_id}/usage",
        "viewer",
        _meter("GetUsage"),
        "Usage of a period, daily and in total",
    ),
    Route(
        "POST /metering/tenants/{tenant_id}/credits",
        "admin",
        _meter("AddCredit"),
        "Add a credit",
        status=201,
        example=CREDIT_EXAMPLE,
        body="",
        unwrap="credit",
    ),
    Route("GET /metering/credits", "viewer", _meter("ListCredits"), "List credits"),
    Route(
        "POST /metering/tenants/{tenant_id}/periods/{period}/close",
        "admin",
        _meter("ClosePeriod"),
        "Freeze a period into a statement",
        example={},
        body="",
    ),
    Route(
        "POST /metering/usage",
        "admin",
        _meter("RecordUsage"),
        "Record usage events (each id applied once)",
        example=USAGE_EXAMPLE,
        body="",
    ),
    Route(
        "GET /metering/statements",
        "viewer",
        _meter("ListStatements"),
        "List statements of closed periods",
    ),
    Route(
        "GET /metering/statements/{statement_id}",
        "viewer",
        _meter("GetStatement"),
        "Get a statement",
        unwrap="statement",
    ),
)


def add_routes(router: Router) -> None:
    routes(router, "metering", METERING)
