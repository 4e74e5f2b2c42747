"""Use cases of the gateway's own data: API tokens and the bootstrap token. One transaction each."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

from services.common import pagination
from services.common.caller import ROLES, Caller
from services.common.dates import check_moment
from services.common.db import Database
from services.common.errors import (
    AlreadyExists,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from services.common.idempotency import create_once
from services.common.logging import get_logger
from services.gateway.domain.tokens import (
    TokenRecord,
    display_prefix,
    hash_secret,
    new_secret,
    validate_name,
)
from services.gateway.repository import organizations as orgs_repo
from services.gateway.repository import tokens as repo

log = get_logger(__name__)
BOOTSTRAP_NAME = "bootstrap"
BAD_TOKEN = "the API token is missing, invalid, expired or revoked"


def _require_admin(caller: Caller) -> None:
    if not caller.has_role("admin"):
        raise PermissionDenied(
            f"role '{caller.role}' may not manage API tokens; 'admin' is required",
            reason="ROLE_TOO_LOW",
            required_role="admin",
        )


async def create_token(
    db: Database,
    caller: Caller,
    *,
    name: str,
    role: str,
    expires_at: datetime | None,
    request_id: str = "",
    now: datetime | None = None,
) -> tuple[TokenRecord, str]:
    """The secret is returned here only; the database keeps its hash."""
    _require_admin(caller)
    name = validate_name(name)
    if role not in ROLES:
        raise InvalidArgument("role", f"must be one of {', '.join(ROLES)}")
    if expires_at is not None:
        expires_at = check_moment(expires_at, "expire_time")
    if expires_at is not None and expires_at <= (now or datetime.now(UTC)):
        raise InvalidArgument("expire_time", "must be in the future")
    if len(request_id) > 200:
        raise InvalidArgument("request_id", "must be at most 200 characters")
    secret = new_secret()
    async with db.transaction() as session:
        await orgs_repo.ensure_org(session, caller.org_id, caller.org_id)
        once = await create_once(
            request_id,
            lambda rid: repo.token_by_request(session, caller.org_id, rid),
            lambda: repo.insert_token(
                session,
                org_id=caller.org_id,
                name=name,
                role=role,
                prefix=display_prefix(secret),
                token_hash=hash_secret(secret),
                request_id=request_id or None,
                created_by=caller.principal,
                expires_at=expires_at,
            ),
        )
    if not once.created:
        raise AlreadyExists(
            "a token was already created with this request_id; its secret cannot be shown again",
            reason="TOKEN_REQUEST_REPLAYED",
            field="request_id",
        )
    log.info("token.created", token_id=once.row.id, role=role)
    return once.row, secret


async def list_tokens(
    db: Database,
    caller: Caller,
    *,
    page_size: int,
    page_token: str,
    include_inactive: bool,
    signing_key: bytes,
) -> tuple[list[TokenRecord], str]:
    _require_admin(caller)
    size = pagination.page_size(page_size)
    scope = f"tokens:{caller.org_id}:{include_inactive}"
    key = pagination.decode_token(page_token, signing_key, scope)
    after = int(key[0]) if key else 0
    async with db.transaction() as session:
        rows = await repo.list_tokens(session, caller.org_id, after, size + 1, include_inactive)
    return pagination.page_of(rows, size, lambda row: [row.id], signing_key, scope)


async def revoke_token(db: Database, caller: Caller, token_id: int) -> TokenRecord:
    _require_admin(caller)
    if token_id <= 0:
        raise InvalidArgument("token_id", "must be a positive id")
    async with db.transaction() as session:
        record = await repo.revoke_token(session, caller.org_id, token_id)
    if record is None:
        raise NotFound(f"API token {token_id} not found", reason="TOKEN_NOT_FOUND")
    log.info("token.revoked", token_id=token_id)
    return record


async def authenticate(db: Database, secret: str, now: datetime | None = None) -> TokenRecord:
    """One message for every failure, so a caller learns nothing about which tokens exist."""
    digest = hash_secret(secret)
    async with db.transaction() as session:
        found = await repo.token_by_hash(session, digest)
        if found is not None and hmac.compare_digest(found[1], digest):
            record = found[0]
            if record.active_at(now or datetime.now(UTC)):
                await repo.touch_token(session, record.id)
                return record
    raise Unauthenticated(BAD_TOKEN, reason="BAD_TOKEN")


async def ensure_bootstrap_token(db: Database, org_id: str, secret: str) -> None:
    """Idempotent: stores the hash once; a changed bootstrap token adds the new one."""
    digest = hash_secret(secret)
    async with db.transaction() as session:
        await orgs_repo.ensure_org(session, org_id, org_id)
        if await repo.token_by_hash(session, digest) is not None:
            return
        await repo.insert_token(
            session,
            org_id=org_id,
            name=BOOTSTRAP_NAME,
            role="admin",
            prefix=display_prefix(secret),
            token_hash=digest,
            request_id=None,
            created_by="bootstrap",
            expires_at=None,
        )
    log.info("token.bootstrap_created", org=org_id)
