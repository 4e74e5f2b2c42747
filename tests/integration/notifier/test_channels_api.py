"""Channels over gRPC: secrets sealed and never returned, unsafe destinations refused, roles
and organizations kept apart."""

import grpc
import pytest
from costgrid.notifier.v1 import service_pb2 as pb
from sqlalchemy import text

from services.common.db import Database
from services.common.errors_client import error_info
from tests.integration.notifier.conftest import rule_for, webhook_channel

SLACK_SECRET = "https://hooks.slack.test/services/T000/B000/very-secret-token"


async def _slack(org, url: str, request_id: str = "") -> pb.CreateChannelResponse:
    return await org.stub.CreateChannel(
        pb.CreateChannelRequest(
            request_id=request_id,
            channel=pb.Channel(name="finops", type=pb.CHANNEL_TYPE_SLACK),
            secrets=pb.ChannelSecrets(slack=pb.SlackSecrets(webhook_url=url)),
        )
    )


async def _rejected(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


async def test_secrets_are_never_returned_and_are_sealed_at_rest(org, slack, settings):
    created = await _slack(org, slack.url + "/services/T000/B000/very-secret-token")
    channel_id = created.channel.id
    got = await org.stub.GetChannel(pb.GetChannelRequest(channel_id=channel_id))
    listed = await org.stub.ListChannels(pb.ListChannelsRequest())
    updated = await org.stub.UpdateChannel(
        pb.UpdateChannelRequest(
            channel=pb.Channel(id=channel_id, name="renamed"), update_mask={"paths": ["name"]}
        )
    )

    for response in (created, got, listed, updated):
        assert b"very-secret-token" not in response.SerializeToString()
    assert got.channel.has_secrets and updated.channel.name == "renamed"
    db = Database.for_service(settings, "notifier")
    try:
        async with db.transaction() as session:
            stored = (
                await session.execute(
                    text("SELECT secrets_sealed, config::text FROM channels WHERE id = :i"),
                    {"i": channel_id},
                )
            ).one()
    finally:
        await db.dispose()
    assert "very-secret-token" not in stored[0] + stored[1]


async def test_generated_signing_secret_is_shown_once_and_signs_deliveries(org, webhook):
    created = await org.stub.CreateChannel(
        pb.CreateChannelRequest(
            channel=pb.Channel(
                name="hooks",
                type=pb.CHANNEL_TYPE_WEBHOOK,
                config=pb.ChannelConfig(webhook=pb.WebhookConfig(url=webhook.url + "/in")),
            )
        )
    )
    secret = created.generated_signing_secret
    assert len(secret) >= 32
    got = await org.stub.GetChannel(pb.GetChannelRequest(channel_id=created.channel.id))
    assert secret.encode() not in got.SerializeToString()

    webhook.secret = secret
    result = await org.stub.SendTestNotification(
        pb.SendTestNotificationRequest(channel_id=created.channel.id)
    )

    assert result.ok and result.response_code == 200, result.error
    assert webhook.rejected == [] and len(webhook.received) == 1


async def test_send_test_notification_reports_the_receivers_refusal(org, webhook):
    channel = await webhook_channel(org, webhook)
    webhook.fail(403)
    result = await org.stub.SendTestNotification(
        pb.SendTestNotificationRequest(channel_id=channel.id)
    )
    assert not result.ok and result.response_code == 403 and "HTTP 403" in result.error


async def test_create_with_the_same_request_id_returns_the_first_channel(org, slack):
    first = await _slack(org, slack.url + "/a", request_id="req-1")
    again = await _slack(org, slack.url + "/a", request_id="req-1")
    listed = await org.stub.ListChannels(pb.ListChannelsRequest())
    assert again.channel.id == first.channel.id
    assert len(listed.channels) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://192.168.0.10:8080/x",
        "http://[::1]:9/x",
    ],
)
async def test_private_link_local_and_unallowed_loopback_urls_are_refused(org, url):
    error = await _rejected(_slack(org, url))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    info = error_info(error)
    assert info.reason == "DESTINATION_NOT_ALLOWED"
    assert info.metadata["field"] == "secrets.slack.webhook_url"
    assert (await org.stub.ListChannels(pb.ListChannelsRequest())).channels == []


async def test_a_refused_private_url_names_the_settings_that_would_allow_it(org):
    error = await _rejected(_slack(org, "http://10.1.2.3/hook"))
    assert error.details().startswith("secrets.slack.webhook_url: 10.1.2.3 is a private address; ")
    assert 'COSTGRID_NOTIFIER_ALLOWED_CIDRS includes it (e.g. ["10.1.2.3/32"])' in error.details()
    assert "COSTGRID_NOTIFIER_ALLOW_PRIVATE_NETWORKS" in error.details()


async def test_update_to_a_private_url_is_refused_and_changes_nothing(org, webhook):
    channel = await webhook_channel(org, webhook)
    error = await _rejected(
        org.stub.UpdateChannel(
            pb.UpdateChannelRequest(
                channel=pb.Channel(
                    id=channel.id,
                    config=pb.ChannelConfig(webhook=pb.WebhookConfig(url="http://10.0.0.8/x")),
                ),
                update_mask={"paths": ["config"]},
            )
        )
    )
    assert error_info(error).metadata["field"] == "channel.config.webhook.url"
    got = await org.stub.GetChannel(pb.GetChannelRequest(channel_id=channel.id))
    assert got.channel.config.webhook.url == webhook.url + "/hook"


async def test_bad_channel_input_names_the_field(org):
    cases = [
        (pb.Channel(name="x"), "channel.type"),
        (pb.Channel(name="", type=pb.CHANNEL_TYPE_SLACK), "channel.name"),
        (
            pb.Channel(
                name="m",
                type=pb.CHANNEL_TYPE_EMAIL,
                config=pb.ChannelConfig(
                    email=pb.EmailConfig(
                        smtp_host="127.0.0.1",
                        smtp_port=25,
                        security=pb.SMTP_SECURITY_NONE,
                        from_address="a@b.test",
                        to_addresses=["not-an-address"],
                    )
                ),
            ),
            "channel.config.email.to_addresses",
        ),
        (
            pb.Channel(
                name="s",
                type=pb.CHANNEL_TYPE_SMS,
                config=pb.ChannelConfig(webhook=pb.WebhookConfig(url="http://127.0.0.1/")),
            ),
            "channel.config",
        ),
    ]
    for channel, field in cases:
        error = await _rejected(org.stub.CreateChannel(pb.CreateChannelRequest(channel=channel)))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert error_info(error).metadata["field"] == field


async def test_viewers_and_members_cannot_manage_channels(org, slack):
    for role in ("viewer", "member"):
        error = await _rejected(
            org.as_role(role).CreateChannel(
                pb.CreateChannelRequest(
                    channel=pb.Channel(name="x", type=pb.CHANNEL_TYPE_SLACK),
                    secrets=pb.ChannelSecrets(slack=pb.SlackSecrets(webhook_url=slack.url)),
                )
            )
        )
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_another_org_sees_none_of_the_channels_rules_or_deliveries(org, make_org, webhook):
    channel = await webhook_channel(org, webhook)
    rule = await rule_for(org, [channel.id])
    other = make_org()

    for call in (
        other.stub.GetChannel(pb.GetChannelRequest(channel_id=channel.id)),
        other.stub.GetRule(pb.GetRuleRequest(rule_id=rule.id)),
        other.stub.DeleteChannel(pb.DeleteChannelRequest(channel_id=channel.id)),
        other.stub.SendTestNotification(pb.SendTestNotificationRequest(channel_id=channel.id)),
    ):
        assert (await _rejected(call)).code() == grpc.StatusCode.NOT_FOUND
    assert (await other.stub.ListChannels(pb.ListChannelsRequest())).channels == []
    assert (await other.stub.ListRules(pb.ListRulesRequest())).rules == []
    error = await _rejected(rule_for(other, [channel.id]))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error_info(error).metadata["field"] == "rule.channel_ids"


async def test_channels_page_through_with_tokens(org, slack):
    for i in range(3):
        await _slack(org, f"{slack.url}/{i}", request_id=f"page-{i}")
    first = await org.stub.ListChannels(pb.ListChannelsRequest(page_size=2))
    rest = await org.stub.ListChannels(
        pb.ListChannelsRequest(page_size=2, page_token=first.next_page_token)
    )
    assert len(first.channels) == 2 and len(rest.channels) == 1 and not rest.next_page_token
    ids = [c.id for c in (*first.channels, *rest.channels)]
    assert ids == sorted(set(ids))


async def test_deleted_channel_is_gone(org, slack):
    created = await _slack(org, slack.url)
    await org.stub.DeleteChannel(pb.DeleteChannelRequest(channel_id=created.channel.id))
    error = await _rejected(
        org.stub.GetChannel(pb.GetChannelRequest(channel_id=created.channel.id))
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
