"""gRPC servicer of the notifier service: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import grpc
from costgrid.notifier.v1 import service_pb2 as pb
from costgrid.notifier.v1 import service_pb2_grpc as grpc_notifier

from services.common.errors import InvalidArgument
from services.common.server import service_name
from services.common.servicer import Ctx as Context
from services.notifier.api import convert
from services.notifier.deps import Deps
from services.notifier.handlers.channels import ChannelHandlers
from services.notifier.handlers.rules import UPDATABLE, RuleHandlers


def _rule_fields(rule: pb.Rule, paths: Iterable[str]) -> dict[str, Any]:
    convert_field: dict[str, Callable[[], Any]] = {
        "name": lambda: rule.name,
        "trigger_type": lambda: convert.trigger_type(rule.trigger_type),
        "filter": lambda: convert.rule_filter(rule.filter),
        "channel_ids": lambda: list(rule.channel_ids),
        "enabled": lambda: rule.enabled,
        "cooldown_seconds": lambda: rule.cooldown_seconds,
    }
    return {p: convert_field[p]() for p in paths if p in convert_field}


class NotificationApi(grpc_notifier.NotificationServiceServicer):
    def __init__(self, channels: ChannelHandlers, rules: RuleHandlers) -> None:
        self._channels = channels
        self._rules = rules

    async def CreateChannel(
        self, request: pb.CreateChannelRequest, context: Context
    ) -> pb.CreateChannelResponse:
        ch = request.channel
        kind = convert.channel_type(ch.type)
        row, generated = await self._channels.create(
            request.request_id,
            ch.name,
            kind,
            convert.config_dict(kind, ch.config),
            convert.secrets_dict(kind, request.secrets),
        )
        return pb.CreateChannelResponse(
            channel=convert.channel_proto(row), generated_signing_secret=generated
        )

    async def GetChannel(
        self, request: pb.GetChannelRequest, context: Context
    ) -> pb.GetChannelResponse:
        return pb.GetChannelResponse(
            channel=convert.channel_proto(await self._channels.get(request.channel_id))
        )

    async def ListChannels(
        self, request: pb.ListChannelsRequest, context: Context
    ) -> pb.ListChannelsResponse:
        kind = convert.channel_type(request.type, allow_unset=True)
        rows, token = await self._channels.page(kind, request.page_size, request.page_token)
        return pb.ListChannelsResponse(
            channels=[convert.channel_proto(r) for r in rows], next_page_token=token
        )

    async def UpdateChannel(
        self, request: pb.UpdateChannelRequest, context: Context
    ) -> pb.UpdateChannelResponse:
        paths = list(request.update_mask.paths)
        current = await self._channels.get(request.channel.id)
        kind = str(current.type)
        asked = convert.channel_type(request.channel.type, allow_unset=True)
        row = await self._channels.update(
            request.channel.id,
            asked,
            paths,
            request.channel.name,
            convert.config_dict(kind, request.channel.config) if "config" in paths else None,
            convert.secrets_dict(kind, request.secrets) if "secrets" in paths else {},
        )
        return pb.UpdateChannelResponse(channel=convert.channel_proto(row))

    async def DeleteChannel(
        self, request: pb.DeleteChannelRequest, context: Context
    ) -> pb.DeleteChannelResponse:
        await self._channels.delete(request.channel_id)
        return pb.DeleteChannelResponse()

    async def SendTestNotification(
        self, request: pb.SendTestNotificationRequest, context: Context
    ) -> pb.SendTestNotificationResponse:
        result = await self._channels.send_test(request.channel_id)
        return pb.SendTestNotificationResponse(
            ok=result.ok, response_code=result.response_code, error=result.error
        )

    async def CreateRule(
        self, request: pb.CreateRuleRequest, context: Context
    ) -> pb.CreateRuleResponse:
        row = await self._rules.create(request.request_id, _rule_fields(request.rule, UPDATABLE))
        return pb.CreateRuleResponse(rule=convert.rule_proto(row))

    async def GetRule(self, request: pb.GetRuleRequest, context: Context) -> pb.GetRuleResponse:
        return pb.GetRuleResponse(rule=convert.rule_proto(await self._rules.get(request.rule_id)))

    async def ListRules(
        self, request: pb.ListRulesRequest, context: Context
    ) -> pb.ListRulesResponse:
        trigger = convert.trigger_type(request.trigger_type, "trigger_type", allow_unset=True)
        rows, token = await self._rules.page(trigger, request.page_size, request.page_token)
        return pb.ListRulesResponse(
            rules=[convert.rule_proto(r) for r in rows], next_page_token=token
        )

    async def UpdateRule(
        self, request: pb.UpdateRuleRequest, context: Context
    ) -> pb.UpdateRuleResponse:
        paths = list(request.update_mask.paths)
        row = await self._rules.update(request.rule.id, paths, _rule_fields(request.rule, paths))
        return pb.UpdateRuleResponse(rule=convert.rule_proto(row))

    async def DeleteRule(
        self, request: pb.DeleteRuleRequest, context: Context
    ) -> pb.DeleteRuleResponse:
        await self._rules.delete(request.rule_id)
        return pb.DeleteRuleResponse()

    async def ListDeliveries(
        self, request: pb.ListDeliveriesRequest, context: Context
    ) -> pb.ListDeliveriesResponse:
        if request.status and request.status not in convert.STATUSES:
            raise InvalidArgument("status", f"{request.status} is not a known value")
        filters = {
            "channel": request.channel_id,
            "rule": request.rule_id,
            "status": str(request.status or ""),
            "statuses": convert.STATUSES.get(request.status, []),
            "event": request.event_id,
        }
        rows, token = await self._rules.deliveries(filters, request.page_size, request.page_token)
        return pb.ListDeliveriesResponse(
            deliveries=[convert.delivery_proto(r) for r in rows], next_page_token=token
        )


def register(server: grpc.aio.Server, deps: Deps) -> Iterable[str]:
    api = NotificationApi(
        ChannelHandlers(deps.db, deps.context), RuleHandlers(deps.db, deps.context)
    )
    grpc_notifier.add_NotificationServiceServicer_to_server(api, server)
    return [service_name(pb, "NotificationService")]
