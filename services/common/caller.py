"""Who is calling: organization, role and principal, signed by the gateway.

The gateway authenticates external clients and forwards their identity in gRPC metadata,
HMAC-signed with a key every service shares, so a service trusts only what the gateway
(or another service propagating the same context) vouched for.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

from services.common.errors import PermissionDenied, Unauthenticated

CALLER_KEY = "x-costgrid-caller"
SIGNATURE_KEY = "x-costgrid-caller-sig"
ROLES = ("viewer", "member", "admin")
CONTEXT_TTL_SECONDS = 300


@dataclass(frozen=True, slots=True)
class Caller:
    org_id: str
    role: str
    principal: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    def has_role(self, minimum: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(minimum)


_current: ContextVar[Caller | None] = ContextVar("caller", default=None)


def sign(caller: Caller, key: bytes, now: float | None = None) -> list[tuple[str, str]]:
    issued = int(now if now is not None else time.time())
    body = {
        "org": caller.org_id,
        "role": caller.role,
        "sub": caller.principal,
        "exp": issued + CONTEXT_TTL_SECONDS,
    }
    payload = base64.urlsafe_b64encode(json.dumps(body, sort_keys=True).encode()).decode()
    return [(CALLER_KEY, payload), (SIGNATURE_KEY, _mac(payload, key))]


def verify(
    metadata: Mapping[str, str] | Iterable[tuple[str, str]], key: bytes, now: float | None = None
) -> Caller:
    md = dict(metadata)
    payload, signature = md.get(CALLER_KEY), md.get(SIGNATURE_KEY)
    if not payload or not signature:
        raise Unauthenticated("missing caller context", reason="CALLER_CONTEXT_MISSING")
    if not hmac.compare_digest(_mac(payload, key), signature):
        raise Unauthenticated("caller context signature is invalid", reason="CALLER_CONTEXT_FORGED")
    try:
        body = json.loads(base64.urlsafe_b64decode(payload.encode()))
        caller = Caller(org_id=str(body["org"]), role=str(body["role"]), principal=str(body["sub"]))
        expires = int(body["exp"])
    except (ValueError, KeyError, TypeError) as exc:
        raise Unauthenticated(
            "caller context is malformed", reason="CALLER_CONTEXT_MALFORMED"
        ) from exc
    if expires < (now if now is not None else time.time()):
        raise Unauthenticated("caller context has expired", reason="CALLER_CONTEXT_EXPIRED")
    return caller


def _mac(payload: str, key: bytes) -> str:
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def current_caller() -> Caller:
    caller = _current.get()
    if caller is None:
        raise Unauthenticated("no caller context", reason="CALLER_CONTEXT_MISSING")
    return caller


def maybe_current_caller() -> Caller | None:
    return _current.get()


def set_caller(caller: Caller | None) -> object:
    return _current.set(caller)


def reset_caller(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def require_role(minimum: str) -> Caller:
    caller = current_caller()
    if not caller.has_role(minimum):
        raise PermissionDenied(
            f"role '{caller.role}' may not do this; '{minimum}' or higher is required",
            reason="ROLE_TOO_LOW",
            required_role=minimum,
        )
    return caller


def system_caller(org_id: str, service: str) -> Caller:
    """The identity a service uses when it acts for an org on its own (consumers, schedules)."""
    return Caller(org_id=org_id, role="admin", principal=f"service:{service}")
