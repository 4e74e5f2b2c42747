"""Slack incoming webhooks, Twilio-compatible SMS and signed webhooks, over httpx."""

from __future__ import annotations

import base64
import time
from typing import Any

import httpx

from services.common import decimal_json
from services.notifier.domain import render, signing
from services.notifier.domain.model import Alert
from services.notifier.domain.network import BlockedDestination
from services.notifier.domain.retry import AttemptResult, http_retryable, parse_retry_after
from services.notifier.senders.base import SendContext, Target

USER_AGENT = "Costgrid-Notifier/1"


async def post(
    ctx: SendContext, url: str, auth: tuple[str, str] | None = None, **kwargs: Any
) -> AttemptResult:
    """One HTTP attempt, its outcome classified for the retry policy.

    Straight to the transport: redirects are never followed and there are no cookies, so the
    client would only add its cost (about a third of a request's) under a burst.
    """
    headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    try:
        request = httpx.Request(
            "POST",
            url,
            headers=headers,
            extensions={"timeout": httpx.Timeout(ctx.timeout).as_dict()},
            **kwargs,
        )
        response = await ctx.transport.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
    except BlockedDestination as exc:
        return AttemptResult(ok=False, error=str(exc))
    except httpx.TimeoutException:
        return AttemptResult(ok=False, error=f"timed out after {ctx.timeout:g}s", retryable=True)
    except httpx.ConnectError as exc:
        return AttemptResult(ok=False, error=f"could not connect: {exc}", retryable=True)
    except (httpx.TransportError, OSError) as exc:
        return AttemptResult(ok=False, error=f"{type(exc).__name__}: {exc}", retryable=True)
    code = response.status_code
    if 200 <= code < 300:
        return AttemptResult(ok=True, response_code=code)
    return AttemptResult(
        ok=False,
        response_code=code,
        error=f"HTTP {code}: {response.text[:300]}".strip(),
        retryable=http_retryable(code),
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
    )


async def send_slack(ctx: SendContext, target: Target, alert: Alert, key: str) -> AttemptResult:
    return await post(ctx, target.secrets["webhook_url"], json=render.slack_message(alert))


async def send_webhook(ctx: SendContext, target: Target, alert: Alert, key: str) -> AttemptResult:
    body = decimal_json.dumps(render.webhook_body(alert, key)).encode()
    timestamp = int(time.time())
    headers = {
        **target.config.get("headers", {}),
        **target.secrets.get("headers", {}),
        "Content-Type": "application/json",
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.signature(
            target.secrets["signing_secret"], timestamp, body
        ),
        signing.IDEMPOTENCY_HEADER: key,
        signing.EVENT_HEADER: alert.event_id,
    }
    return await post(ctx, target.config["url"], content=body, headers=headers)


async def send_sms(
    ctx: SendContext, target: Target, alert: Alert, key: str, reached: tuple[str, ...] = ()
) -> AttemptResult:
    """One message per recipient; those reached by an earlier attempt are not texted again."""
    config = target.config
    base = (config.get("api_base_url") or ctx.sms_base_url).rstrip("/")
    url = f"{base}/2010-04-01/Accounts/{config['account_sid']}/Messages.json"
    auth = (config["account_sid"], target.secrets["auth_token"])
    text = render.sms_text(alert)
    done = list(reached)
    result = AttemptResult(ok=True)
    for number in config["to_numbers"]:
        if number in done:
            continue
        result = await post(
            ctx,
            url,
            data={"To": number, "From": config["from_number"], "Body": text},
            auth=auth,
            headers={signing.IDEMPOTENCY_HEADER: f"{key}/{number}"},
        )
        if not result.ok:
            return AttemptResult(**{**result.__dict__, "reached": tuple(done)})
        done.append(number)
    return AttemptResult(ok=True, response_code=result.response_code, reached=tuple(done))
