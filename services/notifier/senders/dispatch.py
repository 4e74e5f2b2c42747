"""One attempt through any channel type, bounded by the per-attempt timeout."""

from __future__ import annotations

import asyncio

from services.notifier.domain.model import Alert
from services.notifier.domain.retry import AttemptResult
from services.notifier.senders.base import SendContext, Target
from services.notifier.senders.email import send_email
from services.notifier.senders.http import send_slack, send_sms, send_webhook


async def send(
    ctx: SendContext, target: Target, alert: Alert, key: str, reached: tuple[str, ...] = ()
) -> AttemptResult:
    if target.kind == "SLACK":
        attempt = send_slack(ctx, target, alert, key)
    elif target.kind == "EMAIL":
        attempt = send_email(ctx, target, alert, key)
    elif target.kind == "SMS":
        attempt = send_sms(ctx, target, alert, key, reached)
    elif target.kind == "WEBHOOK":
        attempt = send_webhook(ctx, target, alert, key)
    else:
        return AttemptResult(ok=False, error=f"unknown channel type {target.kind}")
    try:
        # Bounds the whole attempt, whatever it does inside (SMS sends one request per
        # recipient, SMTP several commands), so the worker's lease always outlasts it.
        return await asyncio.wait_for(attempt, timeout=ctx.timeout)
    except TimeoutError:
        return AttemptResult(ok=False, error=f"timed out after {ctx.timeout:g}s", retryable=True)
