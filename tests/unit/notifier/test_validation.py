"""Channel and rule checks name the field they reject."""

import pytest

from services.common.errors import InvalidArgument
from services.notifier.domain.model import RuleFilter
from services.notifier.domain.validation import check_channel, check_rule


def _field(call) -> str:
    with pytest.raises(InvalidArgument) as caught:
        call()
    return caught.value.field


def test_webhook_needs_https_unless_plain_http_is_allowed():
    config = {"url": "http://hooks.example.com/x", "headers": {}}
    assert (
        _field(lambda: check_channel("WEBHOOK", config, {}, False)) == "channel.config.webhook.url"
    )
    [dest] = check_channel("WEBHOOK", config, {}, True)
    assert (dest.host, dest.port) == ("hooks.example.com", 80)


def test_urls_with_credentials_are_refused():
    config = {"url": "https://user:pw@hooks.example.com/x"}
    assert (
        _field(lambda: check_channel("WEBHOOK", config, {}, False)) == "channel.config.webhook.url"
    )


def test_webhook_headers_cannot_override_the_signature():
    config = {"url": "https://h.example.com/", "headers": {"Costgrid-Signature": "forged"}}
    assert (
        _field(lambda: check_channel("WEBHOOK", config, {}, False))
        == "channel.config.webhook.headers"
    )


def test_sms_numbers_must_be_e164_and_default_to_twilios_api():
    config = {"account_sid": "AC1", "from_number": "+15005550006", "to_numbers": ["07700900123"]}
    assert _field(lambda: check_channel("SMS", config, {"auth_token": "t"}, False)) == (
        "channel.config.sms.to_numbers"
    )
    config["to_numbers"] = ["+447700900123"]
    [dest] = check_channel("SMS", config, {"auth_token": "t"}, False, "https://api.twilio.com")
    assert dest.host == "api.twilio.com"


def test_email_security_must_be_chosen():
    config = {
        "smtp_host": "smtp.example.com",
        "smtp_port": 587,
        "security": "UNSPECIFIED",
        "from_address": "a@example.com",
        "to_addresses": ["b@example.com"],
    }
    assert (
        _field(lambda: check_channel("EMAIL", config, {}, False)) == "channel.config.email.security"
    )


def test_rule_checks():
    assert _field(lambda: check_rule("", RuleFilter(), [1], 0)) == "rule.trigger_type"
    assert _field(lambda: check_rule("SYNC_FAILED", RuleFilter(), [], 0)) == "rule.channel_ids"
    assert (
        _field(lambda: check_rule("SYNC_FAILED", RuleFilter(), [1], -1)) == "rule.cooldown_seconds"
    )
