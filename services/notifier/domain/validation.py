"""Checks of a channel's configuration and secrets, and of a rule, before anything is stored.

Channel config and secrets are plain dicts here (the API maps them from protos); each check
names the request field it rejects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from services.common import names
from services.common.errors import InvalidArgument
from services.notifier.domain.model import BUDGET_LEVELS, SEVERITIES, TRIGGER_TYPES, RuleFilter
from services.notifier.domain.signing import RESERVED_HEADERS

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
_SECURITIES = ("STARTTLS", "TLS", "NONE")
MAX_NAME = 200
MAX_COOLDOWN = 7 * 24 * 3600


@dataclass(frozen=True)
class Destination:
    """A host the channel will contact, checked against the address policy."""

    field: str
    host: str
    port: int


def check_name(name: str, field: str) -> str:
    return names.check_name(name, field, max_length=MAX_NAME)


def check_url(url: str, field: str, allow_plain_http: bool) -> Destination:
    if not url:
        raise InvalidArgument(field, "is required")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidArgument(field, f"is not a valid URL ({exc})") from exc
    schemes = ("https", "http") if allow_plain_http else ("https",)
    if parts.scheme not in schemes:
        raise InvalidArgument(field, f"must be an {' or '.join(schemes)} URL")
    if not parts.hostname:
        raise InvalidArgument(field, "must name a host")
    if parts.username or parts.password:
        raise InvalidArgument(field, "must not carry credentials; use the channel's secrets")
    return Destination(field, parts.hostname, port or (443 if parts.scheme == "https" else 80))


def check_headers(headers: dict[str, str], field: str) -> None:
    for name, value in headers.items():
        if not _HEADER_NAME.match(name):
            raise InvalidArgument(field, f"{name!r} is not a valid header name")
        if name.lower() in RESERVED_HEADERS:
            raise InvalidArgument(
                field, f"{name!r} is set by the notifier and cannot be overridden"
            )
        if "\r" in value or "\n" in value:
            raise InvalidArgument(field, f"the value of {name!r} must be one line")


def check_channel(
    kind: str,
    config: dict[str, Any],
    secrets: dict[str, Any] | None,
    allow_plain_http: bool,
    sms_default_base: str = "",
) -> list[Destination]:
    """Validates config (and secrets, when given) for the type; returns hosts to vet."""
    if kind == "SLACK":
        if secrets is None:
            return []
        return [
            check_url(secrets.get("webhook_url", ""), "secrets.slack.webhook_url", allow_plain_http)
        ]
    if kind == "EMAIL":
        return [_check_email(config)]
    if kind == "SMS":
        return [_check_sms(config, secrets, allow_plain_http, sms_default_base)]
    if kind == "WEBHOOK":
        check_headers(config.get("headers", {}), "channel.config.webhook.headers")
        if secrets is not None:
            check_headers(secrets.get("headers", {}), "secrets.webhook.headers")
        return [check_url(config.get("url", ""), "channel.config.webhook.url", allow_plain_http)]
    raise InvalidArgument("channel.type", "must be SLACK, EMAIL, SMS or WEBHOOK")


def _check_email(config: dict[str, Any]) -> Destination:
    field = "channel.config.email"
    host = config.get("smtp_host", "").strip()
    if not host:
        raise InvalidArgument(f"{field}.smtp_host", "is required")
    port = int(config.get("smtp_port", 0))
    if not 0 < port < 65536:
        raise InvalidArgument(f"{field}.smtp_port", "must be between 1 and 65535")
    if config.get("security") not in _SECURITIES:
        raise InvalidArgument(f"{field}.security", "must be STARTTLS, TLS or NONE")
    if not _EMAIL.match(config.get("from_address", "")):
        raise InvalidArgument(f"{field}.from_address", "must be an email address")
    recipients = config.get("to_addresses", [])
    if not recipients:
        raise InvalidArgument(f"{field}.to_addresses", "must name at least one recipient")
    for address in recipients:
        if not _EMAIL.match(address):
            raise InvalidArgument(f"{field}.to_addresses", f"{address!r} is not an email address")
    return Destination(f"{field}.smtp_host", host, port)


def _check_sms(
    config: dict[str, Any],
    secrets: dict[str, Any] | None,
    allow_plain_http: bool,
    default_base: str,
) -> Destination:
    field = "channel.config.sms"
    if not re.match(r"^[A-Za-z0-9]{2,64}$", config.get("account_sid", "")):
        raise InvalidArgument(f"{field}.account_sid", "must be letters and digits")
    if not _E164.match(config.get("from_number", "")):
        raise InvalidArgument(f"{field}.from_number", "must be an E.164 number like +447700900123")
    numbers = config.get("to_numbers", [])
    if not numbers:
        raise InvalidArgument(f"{field}.to_numbers", "must name at least one number")
    for number in numbers:
        if not _E164.match(number):
            raise InvalidArgument(f"{field}.to_numbers", f"{number!r} is not an E.164 number")
    if secrets is not None and not secrets.get("auth_token"):
        raise InvalidArgument("secrets.sms.auth_token", "is required")
    base = config.get("api_base_url") or default_base
    return check_url(base, f"{field}.api_base_url", allow_plain_http)


def check_rule(
    trigger: str, rule_filter: RuleFilter, channel_ids: list[int], cooldown: int
) -> None:
    if trigger not in TRIGGER_TYPES:
        raise InvalidArgument("rule.trigger_type", "must be specified")
    if any(level not in BUDGET_LEVELS for level in rule_filter.budget_levels):
        raise InvalidArgument("rule.filter.budget_levels", "must be WARNING or CRITICAL")
    if rule_filter.min_severity and rule_filter.min_severity not in SEVERITIES:
        raise InvalidArgument("rule.filter.min_severity", "must be LOW, MEDIUM or HIGH")
    if not channel_ids:
        raise InvalidArgument("rule.channel_ids", "must name at least one channel")
    if any(cid <= 0 for cid in channel_ids):
        raise InvalidArgument("rule.channel_ids", "must be channel ids")
    if not 0 <= cooldown <= MAX_COOLDOWN:
        raise InvalidArgument("rule.cooldown_seconds", f"must be between 0 and {MAX_COOLDOWN}")
