"""Conversions to well-known protobuf types shared by every service's contract."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp


def timestamp_proto(value: datetime | None) -> Timestamp | None:
    """An optional instant on the wire; None stays unset."""
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(UTC) if value.tzinfo else value)
    return stamp
