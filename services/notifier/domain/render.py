"""An alert rendered per channel: Slack Block Kit, email (text + HTML), SMS text, webhook JSON."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from services.notifier.domain import sms
from services.notifier.domain.model import Alert

_SLACK_MAX_FIELDS = 10  # Block Kit's limit for a section's fields
_EMOJI = {"critical": ":rotating_light:", "warning": ":warning:"}


def slack_message(alert: Alert) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": alert.title[:150]}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"{_EMOJI.get(alert.urgency, '')} {alert.summary}"},
        },
    ]
    if alert.facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{label}*\n{value}"}
                    for label, value in alert.facts[:_SLACK_MAX_FIELDS]
                ],
            }
        )
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"Costgrid · {alert.occurred_at} · event {alert.event_id}",
                }
            ],
        }
    )
    # `text` is the notification fallback Slack shows where blocks cannot be.
    return {"text": f"{alert.title}: {alert.summary}", "blocks": blocks}


@dataclass(frozen=True)
class EmailBody:
    subject: str
    text: str
    html: str


def email_message(alert: Alert) -> EmailBody:
    facts_text = "\n".join(f"{label}: {value}" for label, value in alert.facts)
    text = f"{alert.summary}\n\n{facts_text}\n\nEvent {alert.event_id} at {alert.occurred_at}\n"
    rows = "".join(
        f"<tr><th align='left'>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
        for label, value in alert.facts
    )
    body = (
        f"<html><body><h2>{html.escape(alert.title)}</h2><p>{html.escape(alert.summary)}</p>"
        f"<table>{rows}</table><p style='color:#888'>Event {html.escape(alert.event_id)} at "
        f"{html.escape(alert.occurred_at)}</p></body></html>"
    )
    return EmailBody(subject=f"[Costgrid] {alert.title}", text=text, html=body)


def sms_text(alert: Alert) -> str:
    figures = "; ".join(f"{label} {value}" for label, value in alert.facts[:3])
    return sms.fit(f"Costgrid: {alert.title}. {figures}" if figures else f"Costgrid: {alert.title}")


def webhook_body(alert: Alert, idempotency_key: str) -> dict[str, Any]:
    """Named as in the REST API (a delivery's `idempotency_key`, a rule's `trigger_type`);
    `data` is the event in the REST API's JSON (docs/webhooks.md)."""
    return {
        "idempotency_key": idempotency_key,
        "event_id": alert.event_id,
        "trigger_type": alert.trigger.lower(),
        "org_id": alert.org_id,
        "occurred_at": alert.occurred_at,
        "title": alert.title,
        "summary": alert.summary,
        "urgency": alert.urgency,
        "facts": {label: value for label, value in alert.facts},
        "data": alert.data,
    }
