"""Protos to the notifier's plain values and back; nothing else."""

from __future__ import annotations

from typing import Any

from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.notifier.v1 import service_pb2 as pb
from sqlalchemy import Row

from services.common.errors import InvalidArgument
from services.common.wire import timestamp_proto as timestamp
from services.notifier.domain.model import (
    DEAD,
    FAILED,
    IN_FLIGHT,
    PENDING,
    SENT,
    SUPPRESSED,
    RuleFilter,
)

# API status -> stored states (IN_FLIGHT shows as PENDING: it is still waiting for an outcome).
STATUSES = {
    pb.DELIVERY_STATUS_PENDING: [PENDING, IN_FLIGHT],
    pb.DELIVERY_STATUS_SUCCEEDED: [SENT],
    pb.DELIVERY_STATUS_FAILED: [FAILED],
    pb.DELIVERY_STATUS_DEAD_LETTERED: [DEAD],
    pb.DELIVERY_STATUS_SUPPRESSED: [SUPPRESSED],
}
_STATUS_OUT = {state: status for status, states in STATUSES.items() for state in states}


def enum_value(enum: Any, name: str) -> Any:
    """The number of a proto enum's value by name (typed loosely: the stubs want the enum)."""
    return enum.Value(name)


def enum_name(enum: Any, value: int, prefix: str, field: str, allow_unset: bool = False) -> str:
    if value == 0:
        if allow_unset:
            return ""
        raise InvalidArgument(field, "must be specified")
    try:
        return str(enum.Name(value)).removeprefix(prefix)
    except ValueError as exc:
        raise InvalidArgument(field, f"{value} is not a known value") from exc


def channel_type(value: int, allow_unset: bool = False) -> str:
    return enum_name(pb.ChannelType, value, "CHANNEL_TYPE_", "channel.type", allow_unset)


def config_dict(kind: str, config: pb.ChannelConfig) -> dict[str, Any]:
    which = config.WhichOneof("channel_config")
    if which is None and kind == "SLACK":
        return {}
    if which != kind.lower():
        raise InvalidArgument("channel.config", f"must hold the {kind.lower()} configuration")
    if kind == "EMAIL":
        e = config.email
        security = pb.SmtpSecurity.Name(e.security).removeprefix("SMTP_SECURITY_")
        return {
            "smtp_host": e.smtp_host,
            "smtp_port": e.smtp_port,
            "security": security,
            "username": e.username,
            "from_address": e.from_address,
            "to_addresses": list(e.to_addresses),
        }
    if kind == "SMS":
        s = config.sms
        return {
            "api_base_url": s.api_base_url,
            "account_sid": s.account_sid,
            "from_number": s.from_number,
            "to_numbers": list(s.to_numbers),
        }
    if kind == "WEBHOOK":
        return {"url": config.webhook.url, "headers": dict(config.webhook.headers)}
    return {}


def secrets_dict(kind: str, secrets: pb.ChannelSecrets) -> dict[str, Any]:
    which = secrets.WhichOneof("channel_secrets")
    if which is None:
        return {}
    if which != kind.lower():
        raise InvalidArgument("secrets", f"must hold the {kind.lower()} secrets")
    if kind == "SLACK":
        return {"webhook_url": secrets.slack.webhook_url}
    if kind == "EMAIL":
        return {"password": secrets.email.password}
    if kind == "SMS":
        return {"auth_token": secrets.sms.auth_token}
    return {
        "signing_secret": secrets.webhook.signing_secret,
        "headers": dict(secrets.webhook.headers),
    }


def channel_proto(row: Row[Any]) -> pb.Channel:
    """Never the secrets: only that they are stored."""
    kind, c = str(row.type), dict(row.config)
    config = pb.ChannelConfig()
    if kind == "SLACK":
        config.slack.SetInParent()
    elif kind == "EMAIL":
        config.email.CopyFrom(
            pb.EmailConfig(
                smtp_host=c["smtp_host"],
                smtp_port=c["smtp_port"],
                security=enum_value(pb.SmtpSecurity, f"SMTP_SECURITY_{c['security']}"),
                username=c.get("username", ""),
                from_address=c["from_address"],
                to_addresses=c["to_addresses"],
            )
        )
    elif kind == "SMS":
        config.sms.CopyFrom(pb.SmsConfig(**c))
    else:
        config.webhook.CopyFrom(pb.WebhookConfig(url=c["url"], headers=c.get("headers", {})))
    return pb.Channel(
        id=row.id,
        name=row.name,
        type=enum_value(pb.ChannelType, f"CHANNEL_TYPE_{kind}"),
        config=config,
        has_secrets=bool(row.secrets_sealed),
        create_time=timestamp(row.created_at),
        update_time=timestamp(row.updated_at),
    )


def trigger_type(value: int, field: str = "rule.trigger_type", allow_unset: bool = False) -> str:
    return enum_name(pb.TriggerType, value, "TRIGGER_TYPE_", field, allow_unset)


def rule_filter(f: pb.RuleFilter) -> RuleFilter:
    return RuleFilter(
        budget_levels=tuple(
            enum_name(
                budgets_pb.BudgetAlertLevel, v, "BUDGET_ALERT_LEVEL_", "rule.filter.budget_levels"
            )
            for v in f.budget_levels
        ),
        budget_ids=tuple(f.budget_ids),
        account_ids=tuple(f.account_ids),
        min_severity=enum_name(
            budgets_pb.AnomalySeverity,
            f.min_severity,
            "ANOMALY_SEVERITY_",
            "rule.filter.min_severity",
            allow_unset=True,
        ),
        tenant_ids=tuple(f.tenant_ids),
    )


def rule_proto(row: Row[Any]) -> pb.Rule:
    f = RuleFilter.from_json(row.filter)
    return pb.Rule(
        id=row.id,
        name=row.name,
        trigger_type=enum_value(pb.TriggerType, f"TRIGGER_TYPE_{row.trigger_type}"),
        filter=pb.RuleFilter(
            budget_levels=[
                enum_value(budgets_pb.BudgetAlertLevel, f"BUDGET_ALERT_LEVEL_{v}")
                for v in f.budget_levels
            ],
            budget_ids=f.budget_ids,
            account_ids=f.account_ids,
            min_severity=(
                enum_value(budgets_pb.AnomalySeverity, f"ANOMALY_SEVERITY_{f.min_severity}")
                if f.min_severity
                else enum_value(budgets_pb.AnomalySeverity, "ANOMALY_SEVERITY_UNSPECIFIED")
            ),
            tenant_ids=f.tenant_ids,
        ),
        channel_ids=list(row.channel_ids),
        enabled=row.enabled,
        cooldown_seconds=row.cooldown_seconds,
        create_time=timestamp(row.created_at),
        update_time=timestamp(row.updated_at),
    )


def delivery_proto(row: Row[Any]) -> pb.Delivery:
    pending = row.status == PENDING and row.attempts > 0
    return pb.Delivery(
        id=row.id,
        rule_id=row.rule_id,
        channel_id=row.channel_id,
        channel_type=enum_value(pb.ChannelType, f"CHANNEL_TYPE_{row.channel_type}"),
        trigger_type=enum_value(pb.TriggerType, f"TRIGGER_TYPE_{row.trigger_type}"),
        event_id=row.event_id,
        idempotency_key=row.idempotency_key,
        status=_STATUS_OUT[row.status],
        attempts=row.attempts,
        last_error=row.last_error,
        last_response_code=row.last_response_code,
        create_time=timestamp(row.created_at),
        last_attempt_time=timestamp(row.last_attempt_at),
        next_attempt_time=timestamp(row.next_attempt_at) if pending else None,
        deliver_time=timestamp(row.delivered_at),
    )
