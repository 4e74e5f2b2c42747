"""Webhook signatures and idempotency keys, so receivers can verify and de-duplicate."""

from __future__ import annotations

import hashlib
import hmac
import uuid

SIGNATURE_HEADER = "Costgrid-Signature"
TIMESTAMP_HEADER = "Costgrid-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "Costgrid-Event-Id"
_SET_BY_NOTIFIER = (SIGNATURE_HEADER, TIMESTAMP_HEADER, IDEMPOTENCY_HEADER, EVENT_HEADER)
_SET_BY_HTTP = ("Content-Type", "Content-Length", "Host", "User-Agent")
RESERVED_HEADERS = frozenset(h.lower() for h in (*_SET_BY_NOTIFIER, *_SET_BY_HTTP))
_KEY_NAMESPACE = uuid.UUID("5b1c7f1e-8a5e-4d7e-9a63-0c2f4f1d7a11")


def idempotency_key(event_id: str, channel_id: int) -> str:
    """The same for every attempt of one (event, channel), across crashes and replicas."""
    return str(uuid.uuid5(_KEY_NAMESPACE, f"{event_id}/{channel_id}"))


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` + hex HMAC-SHA256 over "<timestamp>.<body>"."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(
    secret: str, timestamp: str, body: bytes, header: str, now: int, tolerance: int = 300
) -> bool:
    """What a receiver does: recompute, compare in constant time, reject stale timestamps."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, sent, body), header)
