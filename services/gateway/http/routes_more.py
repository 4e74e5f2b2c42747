"""Resource routes for notification channels, rules, deliveries and metering."""

from __future__ import annotations

from typing import Any

from costgrid.metering.v1 import service_pb2 as metering_pb
from costgrid.metering.v1 import service_pb2_grpc as metering_grpc
from costgrid.notifier.v1 import service_pb2 as notifier_pb
from costgrid.notifier.v1 import service_pb2_grpc as notifier_grpc

from services.gateway.http.proto_routes import Rpc, route
from services.gateway.http.registry import Router


def _notify(method: str) -> Rpc:
    return Rpc(notifier_pb, notifier_grpc, "NotificationService", method)


def _meter(method: str) -> Rpc:
    return Rpc(metering_pb, metering_grpc, "MeteringService", method)


CHANNEL_EXAMPLE = {
    "channel": {
        "name": "ops webhook",
        "type": "webhook",
        "config": {"webhook": {"url": "https://hooks.example.com/costgrid"}},
    }
}
RULE_EXAMPLE = {
    "name": "budget alerts to ops",
    "trigger_type": "budget_threshold",
    "channel_ids": [1],
    "enabled": True,
}
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


def add_notification_routes(r: Router) -> None:
    kw: dict[str, Any] = {"tag": "notifications"}  # Any: splatted among route()'s typed keywords
    # fmt: off
    route(r, "GET /notification-channels", "viewer", _notify("ListChannels"),
          "List notification channels", **kw)
    route(r, "POST /notification-channels", "admin", _notify("CreateChannel"),
          "Create a channel (its secrets are write-only)", status=201, example=CHANNEL_EXAMPLE,
          body="", **kw)
    route(r, "GET /notification-channels/{channel_id}", "viewer", _notify("GetChannel"),
          "Get a channel", unwrap="channel", **kw)
    route(r, "PATCH /notification-channels/{channel_id}", "admin", _notify("UpdateChannel"),
          "Update a channel (only the fields sent)", example={"name": "renamed"},
          path_fields={"channel_id": "channel.id"}, body="channel", extra_body=("secrets",),
          mask=True, unwrap="channel", **kw)
    route(r, "DELETE /notification-channels/{channel_id}", "admin", _notify("DeleteChannel"),
          "Delete a channel", status=204, **kw)
    route(r, "POST /notification-channels/{channel_id}/test", "member",
          _notify("SendTestNotification"), "Send a sample message now", example={}, body="",
          **kw)
    route(r, "GET /rules", "viewer", _notify("ListRules"), "List notification rules", **kw)
    route(r, "POST /rules", "member", _notify("CreateRule"), "Create a rule", status=201,
          example=RULE_EXAMPLE, body="rule", unwrap="rule", **kw)
    route(r, "GET /rules/{rule_id}", "viewer", _notify("GetRule"), "Get a rule",
          unwrap="rule", **kw)
    route(r, "PATCH /rules/{rule_id}", "member", _notify("UpdateRule"),
          "Update a rule (only the fields sent)", example={"enabled": False},
          path_fields={"rule_id": "rule.id"}, body="rule", mask=True, unwrap="rule", **kw)
    route(r, "DELETE /rules/{rule_id}", "member", _notify("DeleteRule"), "Delete a rule",
          status=204, **kw)
    route(r, "GET /deliveries", "viewer", _notify("ListDeliveries"),
          "What was sent where, newest first", **kw)


def add_metering_routes(r: Router) -> None:
    kw: dict[str, Any] = {"tag": "metering"}  # Any: splatted among route()'s typed keywords
    # fmt: off
    route(r, "GET /metering/price-books", "viewer", _meter("ListPriceBooks"),
          "List price book versions", **kw)
    route(r, "POST /metering/price-books", "admin", _meter("CreatePriceBook"),
          "Add a price book version", status=201, example=PRICE_BOOK_EXAMPLE,
          body="price_book", unwrap="price_book", **kw)
    route(r, "GET /metering/plans", "viewer", _meter("ListPlans"), "List plans", **kw)
    route(r, "POST /metering/plans", "admin", _meter("CreatePlan"), "Create a plan",
          status=201, example=PLAN_EXAMPLE, body="plan", unwrap="plan", **kw)
    route(r, "GET /metering/plans/{plan_id}", "viewer", _meter("GetPlan"), "Get a plan",
          unwrap="plan", **kw)
    route(r, "GET /metering/tenants", "viewer", _meter("ListTenants"), "List tenants", **kw)
    route(r, "POST /metering/tenants", "admin", _meter("CreateTenant"),
          "Create a tenant on its first plan", status=201,
          example={"tenant": {"id": "acme-prod", "name": "Acme", "overage_policy": "allowed"},
                   "plan_id": 1},
          body="", unwrap="tenant", **kw)
    route(r, "GET /metering/tenants/{tenant_id}", "viewer", _meter("GetTenant"),
          "Get a tenant with its plan history", unwrap="tenant", **kw)
    route(r, "POST /metering/tenants/{tenant_id}/subscription", "admin",
          _meter("ChangeSubscription"), "Move a tenant to another plan",
          example={"plan_id": 1}, body="", unwrap="tenant", **kw)
    route(r, "GET /metering/tenants/{tenant_id}/estimate", "viewer",
          _meter("GetCurrentEstimate"), "Charges of the open period so far", **kw)
    route(r, "GET /metering/tenants/{tenant_id}/usage", "viewer", _meter("GetUsage"),
          "Usage of a period, daily and in total", **kw)
    route(r, "POST /metering/tenants/{tenant_id}/credits", "admin", _meter("AddCredit"),
          "Add a credit", status=201,
          example={"amount": {"amount": 50, "currency": "USD"}, "reason": "goodwill"},
          body="", unwrap="credit", **kw)
    route(r, "GET /metering/credits", "viewer", _meter("ListCredits"), "List credits", **kw)
    route(r, "POST /metering/tenants/{tenant_id}/periods/{period}/close", "admin",
          _meter("ClosePeriod"), "Freeze a period into a statement", example={}, body="",
          **kw)
    route(r, "POST /metering/usage", "admin", _meter("RecordUsage"),
          "Record usage events (each id applied once)", example=USAGE_EXAMPLE, body="", **kw)
    route(r, "GET /metering/statements", "viewer", _meter("ListStatements"),
          "List statements of closed periods", **kw)
    route(r, "GET /metering/statements/{statement_id}", "viewer", _meter("GetStatement"),
          "Get a statement", unwrap="statement", **kw)
