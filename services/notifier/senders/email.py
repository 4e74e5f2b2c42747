"""Email over SMTP (STARTTLS, TLS or plain for local relays), in a worker thread."""

from __future__ import annotations

import asyncio
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from services.notifier.domain import render
from services.notifier.domain.model import Alert
from services.notifier.domain.network import AddressPolicy, BlockedDestination
from services.notifier.domain.retry import AttemptResult
from services.notifier.senders.base import SendContext, Target
from services.notifier.senders.guard import connect_vetted


class _Vetted:
    policy: AddressPolicy

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return connect_vetted(host, port, timeout, self.policy)


class _SMTP(_Vetted, smtplib.SMTP):
    pass


class _SMTPSSL(smtplib.SMTP_SSL, _SMTP):
    pass


def build_message(config: dict[str, object], alert: Alert, key: str) -> EmailMessage:
    body = render.email_message(alert)
    message = EmailMessage()
    message["Subject"] = body.subject
    message["From"] = str(config["from_address"])
    message["To"] = ", ".join(config["to_addresses"])  # type: ignore[arg-type]
    message["Date"] = formatdate(localtime=False)
    # Stable across retries, so mail systems can recognise a resend as the same message.
    message["Message-ID"] = f"<{key}@costgrid.notifier>"
    message["X-Costgrid-Event-Id"] = alert.event_id
    message.set_content(body.text)
    message.add_alternative(body.html, subtype="html")
    return message


def _send_blocking(ctx: SendContext, target: Target, message: EmailMessage) -> int:
    config = target.config
    host, port, security = config["smtp_host"], int(config["smtp_port"]), config["security"]
    client: smtplib.SMTP
    if security == "TLS":
        client = _SMTPSSL(timeout=ctx.timeout, context=ctx.ssl)
    else:
        client = _SMTP(timeout=ctx.timeout)
    client.policy = ctx.policy
    # smtplib verifies STARTTLS and TLS certificates against the name given to __init__,
    # which connect() alone does not set.
    client._host = host  # type: ignore[attr-defined]
    try:
        client.connect(host, port)
        client.ehlo()
        if security == "STARTTLS":
            client.starttls(context=ctx.ssl)
            client.ehlo()
        if config.get("username"):
            client.login(config["username"], target.secrets.get("password", ""))
        client.send_message(message)
        return 250
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


async def send_email(ctx: SendContext, target: Target, alert: Alert, key: str) -> AttemptResult:
    message = build_message(target.config, alert, key)
    try:
        code = await asyncio.to_thread(_send_blocking, ctx, target, message)
    except BlockedDestination as exc:
        return AttemptResult(ok=False, error=str(exc))
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [c for c, _ in exc.recipients.values()]
        return _smtp_reply(max(codes), f"every recipient was refused: {exc.recipients}")
    except smtplib.SMTPResponseException as exc:
        return _smtp_reply(exc.smtp_code, _text(exc.smtp_error))
    except smtplib.SMTPNotSupportedError as exc:
        return AttemptResult(ok=False, error=f"SMTP server: {exc}")
    except ssl.SSLError as exc:
        return AttemptResult(ok=False, error=f"TLS failed: {exc}")
    except TimeoutError:
        return AttemptResult(ok=False, error=f"timed out after {ctx.timeout:g}s", retryable=True)
    except (smtplib.SMTPException, OSError) as exc:
        return AttemptResult(ok=False, error=f"{type(exc).__name__}: {exc}", retryable=True)
    return AttemptResult(ok=True, response_code=code)


def _smtp_reply(code: int, error: str) -> AttemptResult:
    # 4xx replies are transient by definition (RFC 5321); 5xx are permanent.
    return AttemptResult(
        ok=False, response_code=code, error=f"SMTP {code}: {error}", retryable=400 <= code < 500
    )


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value
