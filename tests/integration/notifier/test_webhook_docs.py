"""docs/webhooks.md holds for a real delivered request: its verification example accepts it
(and refuses it tampered with or stale), and its example body has the fields a real one has."""

import json
import re
import time
from decimal import Decimal

from tests.integration.notifier.conftest import rule_for, settled, webhook_channel
from tests.support.infra import ROOT
from tests.support.notifier_events import budget_crossed, publish

DOC = (ROOT / "docs" / "webhooks.md").read_text()


def _block(language: str) -> str:
    [first, *_] = re.findall(rf"```{language}\n(.*?)```", DOC, re.S)
    return first


async def _delivered(org, webhook, bus):
    channel = await webhook_channel(org, webhook)
    await rule_for(org, [channel.id])
    await publish(bus, *budget_crossed(org.id), org.id)
    await settled(org, 1)
    [received] = webhook.received
    return received


async def test_the_documented_verification_accepts_a_real_delivery_and_nothing_else(
    org, webhook, bus
):
    received = await _delivered(org, webhook, bus)
    example: dict = {}
    exec(_block("python"), example)
    verify = example["verify_costgrid_webhook"]
    stamp, signature = (
        received.headers["costgrid-timestamp"],
        received.headers["costgrid-signature"],
    )

    assert verify(webhook.secret, stamp, signature, received.body)
    assert not verify(webhook.secret, stamp, signature, received.body.replace(b"10512", b"10513"))
    assert not verify("another-secret", stamp, signature, received.body)
    assert not verify(webhook.secret, stamp, signature, received.body, now=time.time() + 301)


async def test_the_documented_body_has_the_fields_of_a_real_one(org, webhook, bus):
    received = await _delivered(org, webhook, bus)
    real = json.loads(received.body, parse_float=Decimal)
    documented = json.loads(_block("json"), parse_float=Decimal)

    assert documented.keys() == real.keys()
    assert documented["data"].keys() == real["data"].keys()
    assert documented["data"]["spent"] == real["data"]["spent"]
    assert received.headers["idempotency-key"] == real["idempotency_key"]
