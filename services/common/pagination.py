"""Opaque keyset page tokens: the last row's sort key, signed so callers cannot forge them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from services.common.errors import InvalidArgument

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(
    requested: int, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE
) -> int:
    if requested < 0:
        raise InvalidArgument("page_size", "must not be negative")
    return min(requested or default, maximum)


def encode_token(key: list[Any], secret: bytes, scope: str = "") -> str:
    """`scope` binds the token to the query's filters: reusing it with others is an error."""
    body = json.dumps({"k": key, "s": scope}, separators=(",", ":"), default=str).encode()
    mac = hmac.new(secret, body, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(mac + body).decode().rstrip("=")


def decode_token(token: str, secret: bytes, scope: str = "") -> list[Any] | None:
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        mac, body = raw[:12], raw[12:]
        valid = hmac.compare_digest(mac, hmac.new(secret, body, hashlib.sha256).digest()[:12])
        data = json.loads(body) if valid else None
    except (ValueError, TypeError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("k"), list):
        raise InvalidArgument("page_token", "is not a token this service issued")
    if data.get("s") != scope:
        raise InvalidArgument("page_token", "was issued for a different query")
    return list(data["k"])


def page_of(
    rows: Sequence[T], size: int, key: Callable[[T], list[Any]], secret: bytes, scope: str = ""
) -> tuple[list[T], str]:
    """`rows` are fetched as `size + 1`: the one past the page only says another follows.
    Gives the page and the next page's token (the last row's `key`), "" on the last page."""
    page = list(rows[:size])
    return page, encode_token(key(page[-1]), secret, scope) if len(rows) > size else ""
