"""REST routes of the notifier service: channels, rules and deliveries."""

from __future__ import annotations

from costgrid.notifier.v1 import service_pb2 as notifier_pb
from costgrid.notifier.v1 import service_pb2_grpc as notifier_grpc

from services.gateway.http.proto_routes import Route, Rpc, routes
from services.gateway.http.registry import Router


def _notify(method: str) -> Rpc:
    return Rpc(notifier_pb, notifier_grpc, "NotificationService", method)


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

NOTIFICATIONS = (
    Route(
        "GET /notification-channels",
        "viewer",
        _notify("ListChannels"),
        "List notification channels",
    ),
    Route(
        "POST /notification-channels",
        "admin",
        _notify("CreateChannel"),
        "Create a channel (its secrets are write-only)",
        status=201,
        example=CHANNEL_EXAMPLE,
        body="",
    ),
    Route(
        "GET /notification-channels/{channel_id}",
        "viewer",
        _notify("GetChannel"),
        "Get a channel",
        unwrap="channel",
    ),
    Route(
        "PATCH /notification-channels/{channel_id}",
        "admin",
        _notify("UpdateChannel"),
        "Update a channel (only the fields sent)",
        example={"name": "renamed"},
        path_fields={"channel_id": "channel.id"},
        body="channel",
        extra_body=("secrets",),
        mask=True,
        unwrap="channel",
    ),
    Route(
        "DELETE /notification-channels/{channel_id}",
        "admin",
        _notify("DeleteChannel"),
        "Delete a channel",
        status=204,
    ),
    Route(
        "POST /notification-channels/{channel_id}/test",
        "member",
        _notify("SendTestNotification"),
        "Send a sample message now",
        example={},
        body="",
    ),
    Route("GET /rules", "viewer", _notify("ListRules"), "List notification rules"),
    Route(
        "POST /rules",
        "member",
        _notify("CreateRule"),
        "Create a rule",
        status=201,
        example=RULE_EXAMPLE,
        body="rule",
        unwrap="rule",
    ),
    Route("GET /rules/{rule_id}", "viewer", _notify("GetRule"), "Get a rule", unwrap="rule"),
    Route(
        "PATCH /rules/{rule_id}",
        "member",
        _notify("UpdateRule"),
        "Update a rule (only the fields sent)",
        example={"enabled": False},
        path_fields={"rule_id": "rule.id"},
        body="rule",
        mask=True,
        unwrap="rule",
    ),
    Route("DELETE /rules/{rule_id}", "member", _notify("DeleteRule"), "Delete a rule", status=204),
    Route(
        "GET /deliveries", "viewer", _notify("ListDeliveries"), "What was sent where, newest first"
    ),
)


def add_routes(router: Router) -> None:
    routes(router, "notifications", NOTIFICATIONS)
