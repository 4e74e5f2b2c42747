"""Rules over gRPC: validation, updates through a field mask, idempotent creates."""

import grpc
import pytest
from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.notifier.v1 import service_pb2 as pb

from services.common.errors_client import error_info
from tests.integration.notifier.conftest import webhook_channel


async def _error(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


async def test_rule_round_trips_with_its_filter(org, webhook):
    channel = await webhook_channel(org, webhook)
    rule = pb.Rule(
        name="critical prod",
        trigger_type=pb.TRIGGER_TYPE_BUDGET_THRESHOLD,
        filter=pb.RuleFilter(
            budget_levels=[budgets_pb.BUDGET_ALERT_LEVEL_CRITICAL], budget_ids=[7]
        ),
        channel_ids=[channel.id],
        enabled=True,
        cooldown_seconds=600,
    )
    created = await org.stub.CreateRule(pb.CreateRuleRequest(request_id="r-1", rule=rule))
    again = await org.stub.CreateRule(pb.CreateRuleRequest(request_id="r-1", rule=rule))
    got = await org.stub.GetRule(pb.GetRuleRequest(rule_id=created.rule.id))

    assert again.rule.id == created.rule.id
    assert got.rule.filter == rule.filter and got.rule.cooldown_seconds == 600
    assert list(got.rule.channel_ids) == [channel.id] and got.rule.enabled


async def test_update_changes_only_the_masked_fields(org, webhook):
    channel = await webhook_channel(org, webhook)
    created = await org.stub.CreateRule(
        pb.CreateRuleRequest(
            rule=pb.Rule(
                name="a",
                trigger_type=pb.TRIGGER_TYPE_SYNC_FAILED,
                channel_ids=[channel.id],
                enabled=True,
            )
        )
    )
    updated = await org.stub.UpdateRule(
        pb.UpdateRuleRequest(
            rule=pb.Rule(id=created.rule.id, name="b", cooldown_seconds=60),
            update_mask={"paths": ["cooldown_seconds"]},
        )
    )
    assert updated.rule.name == "a" and updated.rule.cooldown_seconds == 60


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (pb.Rule(name="x", channel_ids=[1]), "rule.trigger_type"),
        (pb.Rule(name="x", trigger_type=pb.TRIGGER_TYPE_SYNC_FAILED), "rule.channel_ids"),
        (pb.Rule(name="", trigger_type=pb.TRIGGER_TYPE_SYNC_FAILED, channel_ids=[1]), "rule.name"),
        (
            pb.Rule(
                name="x",
                trigger_type=pb.TRIGGER_TYPE_BUDGET_THRESHOLD,
                channel_ids=[1],
                cooldown_seconds=-5,
            ),
            "rule.cooldown_seconds",
        ),
    ],
)
async def test_bad_rules_are_rejected_naming_the_field(org, rule, field):
    error = await _error(org.stub.CreateRule(pb.CreateRuleRequest(rule=rule)))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_info(error).metadata["field"] == field


async def test_a_rule_naming_a_channel_nobody_has_is_not_found(org):
    rule = pb.Rule(name="x", trigger_type=pb.TRIGGER_TYPE_SYNC_FAILED, channel_ids=[424242])
    error = await _error(org.stub.CreateRule(pb.CreateRuleRequest(rule=rule)))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error_info(error).metadata["field"] == "rule.channel_ids"


async def test_viewer_cannot_create_rules_but_can_list_them(org, webhook):
    channel = await webhook_channel(org, webhook)
    error = await _error(
        org.as_role("viewer").CreateRule(
            pb.CreateRuleRequest(
                rule=pb.Rule(
                    name="x", trigger_type=pb.TRIGGER_TYPE_SYNC_FAILED, channel_ids=[channel.id]
                )
            )
        )
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert (await org.as_role("viewer").ListRules(pb.ListRulesRequest())).rules == []
