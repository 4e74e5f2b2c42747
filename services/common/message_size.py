"""gRPC message size limits, set explicitly on both ends, and what a message over them gets.

gRPC's own limit answers RESOURCE_EXHAUSTED ("larger than max"), which clients read as "slow
down, retry": a producer retrying an oversized batch loops forever. A message over the limit is
the caller's mistake, so services answer INVALID_ARGUMENT naming the limit. gRPC core still
refuses, unread, what is beyond `CORE_CEILING_FACTOR` times the limit, so a single call can
never make a service buffer more than that.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc

from services.common.errors import InvalidArgument

CORE_CEILING_FACTOR = 4
REASON = "MESSAGE_TOO_LARGE"
_SEND_REFUSED = re.compile(r"Sent message larger than max \((\d+) vs\. (\d+)\)")


def server_options(limit: int) -> list[tuple[str, int]]:
    return [("grpc.max_receive_message_length", limit * CORE_CEILING_FACTOR)]


def channel_options(limit: int) -> list[tuple[str, int]]:
    """A client refuses to send what the service would refuse, before sending a byte of it."""
    return [("grpc.max_send_message_length", limit), ("grpc.max_receive_message_length", limit)]


def too_large(size: int, limit: int) -> InvalidArgument:
    error = InvalidArgument(
        "request", f"the message is {size} bytes; the limit is {limit} bytes", reason=REASON
    )
    error.metadata.update(limit_bytes=str(limit), size_bytes=str(size))
    return error


@dataclass(frozen=True)
class TooLarge:
    """Stands in for a request over the limit, so the interceptor answers it in its shape."""

    size: int


def checked_deserializer(
    deserializer: Callable[[bytes], Any] | None, limit: int
) -> Callable[[bytes], Any]:
    def deserialize(raw: bytes) -> Any:
        if len(raw) > limit:
            return TooLarge(len(raw))
        return deserializer(raw) if deserializer else raw

    return deserialize


def refused_to_send(error: grpc.RpcError) -> tuple[int, int] | None:
    """(size, limit) when the client's own channel refused to send a request this large (a
    response too large is the service's fault, not the caller's, and is not matched)."""
    if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:  # type: ignore[attr-defined]
        return None
    found = _SEND_REFUSED.search(error.details() or "")  # type: ignore[attr-defined]
    return (int(found.group(1)), int(found.group(2))) if found else None
