"""Creating an organization with its first admin token: one transaction, for operators."""

from __future__ import annotations

from datetime import UTC, datetime

from services.common.db import Database
from services.common.errors import AlreadyExists
from services.common.logging import get_logger
from services.gateway.domain.audit import AuditEvent
from services.gateway.domain.organizations import validate_org_id
from services.gateway.domain.tokens import (
    TokenRecord,
    display_prefix,
    hash_secret,
    new_secret,
    validate_name,
)
from services.gateway.repository import organizations as orgs_repo
from services.gateway.repository import tokens as repo
from services.gateway.repository.audit import insert_events

log = get_logger(__name__)
ORG_CREATED = "org.created"


async def create_organization(
    db: Database, org_id: str, name: str, actor: str
) -> tuple[TokenRecord, str]:
    """The first admin token's secret is returned here only; the database keeps its hash."""
    org_id = validate_org_id(org_id)
    name = validate_name(name)
    secret = new_secret()
    async with db.transaction() as session:
        if not await orgs_repo.create_org(session, org_id, name):
            raise AlreadyExists(f"organization '{org_id}' already exists", reason="ORG_EXISTS")
        record = await repo.insert_token(
            session,
            org_id=org_id,
            name="first admin",
            role="admin",
            prefix=display_prefix(secret),
            token_hash=hash_secret(secret),
            request_id=None,
            created_by=actor,
            expires_at=None,
        )
        assert record is not None, "a fresh organization has no tokens to collide with"
        await insert_events(
            session,
            [
                AuditEvent(
                    datetime.now(UTC),
                    ORG_CREATED,
                    "ok",
                    org_id=org_id,
                    actor=actor,
                    detail={"name": name, "admin_token_id": record.id},
                )
            ],
        )
    log.info("org.created", org=org_id, token_id=record.id)
    return record, secret
