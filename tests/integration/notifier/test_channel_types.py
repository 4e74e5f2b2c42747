"""Slack, email and SMS deliveries reach real local servers in the shape each one requires."""

from costgrid.notifier.v1 import service_pb2 as pb

from tests.fakes.notifier_smtp import SmtpServer
from tests.integration.notifier.conftest import rule_for, settled
from tests.support.notifier_events import anomaly, budget_crossed, publish


async def test_slack_gets_block_kit_with_the_budget_figures(org, slack, bus):
    created = await org.stub.CreateChannel(
        pb.CreateChannelRequest(
            channel=pb.Channel(name="finops", type=pb.CHANNEL_TYPE_SLACK),
            secrets=pb.ChannelSecrets(
                slack=pb.SlackSecrets(webhook_url=slack.url + "/services/T/B/x")
            ),
        )
    )
    await rule_for(org, [created.channel.id])
    await publish(bus, *budget_crossed(org.id), org.id)

    [delivery] = await settled(org, 1)

    assert delivery.status == pb.DELIVERY_STATUS_SUCCEEDED, delivery.last_error
    assert slack.rejected == []
    [message] = slack.messages()
    assert message["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Budget Production critical: 105.12% spent"},
    }
    fields = [f["text"] for f in message["blocks"][2]["fields"]]
    assert "*Spent*\n10,512.35 USD" in fields and "*Budget*\n10,000.00 USD" in fields


async def _email_channel(
    org, server: SmtpServer, security: int, username: str = "", password: str = ""
):
    response = await org.stub.CreateChannel(
        pb.CreateChannelRequest(
            channel=pb.Channel(
                name="mail",
                type=pb.CHANNEL_TYPE_EMAIL,
                config=pb.ChannelConfig(
                    email=pb.EmailConfig(
                        smtp_host="127.0.0.1",
                        smtp_port=server.port,
                        security=security,
                        username=username,
                        from_address="alerts@costgrid.test",
                        to_addresses=["ops@example.com", "cfo@example.com"],
                    )
                ),
            ),
            secrets=pb.ChannelSecrets(email=pb.EmailSecrets(password=password)),
        )
    )
    return response.channel


async def test_email_over_starttls_with_login_has_plain_and_html_bodies(org, bus, cert):
    server = SmtpServer(cert, mode="STARTTLS", credentials=("mailer", "s3cret")).start()
    try:
        channel = await _email_channel(org, server, pb.SMTP_SECURITY_STARTTLS, "mailer", "s3cret")
        await rule_for(org, [channel.id], trigger=pb.TRIGGER_TYPE_ANOMALY_DETECTED)
        await publish(bus, *anomaly(org.id), org.id)

        [delivery] = await settled(org, 1)
    finally:
        server.stop()

    assert delivery.status == pb.DELIVERY_STATUS_SUCCEEDED, delivery.last_error
    assert delivery.last_response_code == 250
    [mail] = server.messages
    assert (
        mail["Subject"] == "[Costgrid] Cost anomaly (high) in prod-aws / Amazon EC2 on 2026-03-14"
    )
    assert mail["Message-ID"] == f"<{delivery.idempotency_key}@costgrid.notifier>"
    assert server.mailbox.envelopes == [
        ("alerts@costgrid.test", ["ops@example.com", "cfo@example.com"])
    ]
    assert mail.is_multipart()
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in mail.walk()
        if not part.is_multipart()
    }
    assert "Actual: 480.50 USD" in parts["text/plain"]
    assert "<th align='left'>Actual</th><td>480.50 USD</td>" in parts["text/html"]


async def test_email_over_implicit_tls(org, bus, cert):
    server = SmtpServer(cert, mode="TLS").start()
    try:
        channel = await _email_channel(org, server, pb.SMTP_SECURITY_TLS)
        await rule_for(org, [channel.id])
        await publish(bus, *budget_crossed(org.id), org.id)
        [delivery] = await settled(org, 1)
    finally:
        server.stop()
    assert delivery.status == pb.DELIVERY_STATUS_SUCCEEDED, delivery.last_error
    assert len(server.messages) == 1


async def test_transient_smtp_refusal_is_retried_and_mail_arrives_once(org, bus, cert):
    server = SmtpServer().start()
    server.refuse("451 4.3.0 mailbox busy, try later")
    try:
        channel = await _email_channel(org, server, pb.SMTP_SECURITY_NONE)
        await rule_for(org, [channel.id])
        await publish(bus, *budget_crossed(org.id), org.id)
        [delivery] = await settled(org, 1)
    finally:
        server.stop()
    assert delivery.status == pb.DELIVERY_STATUS_SUCCEEDED
    assert delivery.attempts == 2
    assert len(server.messages) == 1


async def test_sms_goes_to_every_number_within_one_segment(org, twilio, bus):
    created = await org.stub.CreateChannel(
        pb.CreateChannelRequest(
            channel=pb.Channel(
                name="on-call",
                type=pb.CHANNEL_TYPE_SMS,
                config=pb.ChannelConfig(
                    sms=pb.SmsConfig(
                        api_base_url=twilio.url,
                        account_sid=twilio.account_sid,
                        from_number="+15005550006",
                        to_numbers=["+447700900123", "+447700900456"],
                    )
                ),
            ),
            secrets=pb.ChannelSecrets(sms=pb.SmsSecrets(auth_token=twilio.auth_token)),
        )
    )
    await rule_for(org, [created.channel.id])
    await publish(bus, *budget_crossed(org.id), org.id)

    [delivery] = await settled(org, 1)

    assert delivery.status == pb.DELIVERY_STATUS_SUCCEEDED, delivery.last_error
    assert twilio.rejected == []
    messages = twilio.messages()
    assert sorted(m["To"] for m in messages) == ["+447700900123", "+447700900456"]
    assert all(m["From"] == "+15005550006" and len(m["Body"]) <= 160 for m in messages)
    assert messages[0]["Body"].startswith("Costgrid: Budget Production critical")


async def test_sms_retry_does_not_text_a_number_already_reached(org, twilio, bus):
    created = await org.stub.CreateChannel(
        pb.CreateChannelRequest(
            channel=pb.Channel(
                name="on-call",
                type=pb.CHANNEL_TYPE_SMS,
                config=pb.ChannelConfig(
                    sms=pb.SmsConfig(
                        api_base_url=twilio.url,
                        account_sid=twilio.account_sid,
                        from_number="+15005550006",
                        to_numbers=["+447700900123", "+447700900456"],
                    )
                ),
            ),
            secrets=pb.ChannelSecrets(sms=pb.SmsSecrets(auth_token=twilio.auth_token)),
        )
    )
    await rule_for(org, [created.channel.id])
    # The first number succeeds, the second gets a 503 once.
    twilio.answer_normally()
    twilio.fail(503)
    await publish(bus, *budget_crossed(org.id), org.id)

    [delivery] = await settled(org, 1)

    assert delivery.status == pb.DELIVERY_STATUS_SUCCEEDED
    assert delivery.attempts == 2
    assert sorted(m["To"] for m in twilio.messages()) == ["+447700900123", "+447700900456"]
