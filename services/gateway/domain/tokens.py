"""API token secrets, hashes and roles: pure logic, no I/O."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from services.common.names import check_name

SECRET_PREFIX = "cg_"
PREFIX_LENGTH = 10  # shown in listings: "cg_" plus 7 characters of the secret
NAME_MAX = 100


def new_secret() -> str:
    """256 random bits: a plain SHA-256 of it cannot be brute-forced, so no slow KDF is needed."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest()


def display_prefix(secret: str) -> str:
    return secret[:PREFIX_LENGTH]


def validate_name(name: str) -> str:
    return check_name(name, "name", max_length=NAME_MAX)


@dataclass(frozen=True, slots=True)
class TokenRecord:
    id: int
    org_id: str
    name: str
    role: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    def active_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
