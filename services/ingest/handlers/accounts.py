"""Cloud account use cases, one transaction each. Admins manage accounts; everyone reads.

Two ways to retire an account, never a half of one:
- delete removes the account's costs (line items and rollups) in the same transaction and
  announces `accounts.deleted`, so budgets and invoicing drop it too; the row itself stays,
  inactive with credentials erased, only so past sync jobs still name it. It is NOT_FOUND
  from then on.
- archive stops it for good (never synced, credentials erased) and keeps its history in
  every figure; it stays listed, marked archived, read-only, and can still be deleted.

A sync storing into an account locks its row first (sync/runner.py), so a delete either waits
for that sync and removes what it stored, or comes first and the sync stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.common.caller import current_caller, require_role
from services.common.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from services.common.idempotency import create_once
from services.common.pagination import decode_token, page_of, page_size
from services.ingest.deps import Deps
from services.ingest.domain.accounts import (
    AccountSpec,
    check_credentials,
    check_name,
    check_spec,
)
from services.ingest.handlers import events, secrets
from services.ingest.handlers.drop_folder import check_focus_path
from services.ingest.repository import accounts
from services.ingest.repository.accounts import AccountRow
from services.ingest.sync.chunks import Owner

UPDATABLE = frozenset({"name", "settings", "endpoint", "active", "credentials"})


def _not_found(account_id: int) -> NotFound:
    return NotFound(f"cloud account {account_id} not found", account_id=account_id)


async def create_account(
    deps: Deps, request_id: str, spec: AccountSpec, credentials: Mapping[str, str]
) -> AccountRow:
    """New accounts start active (proto3 cannot tell an unset `active` from false);
    deactivate with UpdateCloudAccount."""
    caller = require_role("admin")
    name = check_name(spec.name, "cloud_account")
    check_spec(spec, "cloud_account")
    check_focus_path(deps, caller.org_id, spec, "cloud_account")
    check_credentials(spec, credentials)
    async with deps.db.transaction() as session:

        async def find(request_id: str) -> AccountRow | None:
            return await accounts.by_request(session, caller.org_id, request_id)

        async def insert() -> AccountRow | None:
            new_id = await accounts.insert(
                session,
                caller.org_id,
                name,
                spec.provider,
                spec.settings,
                spec.endpoint,
                True,
                request_id or None,
            )
            if new_id is None:
                return None
            sealed = secrets.seal(deps.box, caller.org_id, new_id, credentials)
            await accounts.set_credentials(session, new_id, sealed)
            return await accounts.get(session, caller.org_id, new_id)

        once = await create_once(request_id, find, insert)
    return once.row if once.created else _replayed(once.row, request_id)


def _replayed(existing: AccountRow, request_id: str) -> AccountRow:
    if existing.deleted_at is not None:
        raise AlreadyExists(
            f"request_id {request_id!r} created account {existing.id}, which was deleted since",
            reason="REQUEST_ID_REUSED",
        )
    return existing


async def get_account(deps: Deps, account_id: int) -> AccountRow:
    caller = current_caller()
    async with deps.db.transaction() as session:
        row = await accounts.get(session, caller.org_id, account_id)
    if row is None:
        raise _not_found(account_id)
    return row


async def list_accounts(
    deps: Deps, requested_size: int, token: str, provider: str | None, active_only: bool
) -> tuple[list[AccountRow], str]:
    caller = current_caller()
    size = page_size(requested_size)
    scope = f"accounts:{caller.org_id}:{provider or ''}:{active_only}"
    key = decode_token(token, deps.page_secret, scope)
    after = int(key[0]) if key else 0
    async with deps.db.transaction() as session:
        rows = await accounts.page(session, caller.org_id, after, size + 1, provider, active_only)
    return page_of(rows, size, lambda row: [row.id], deps.page_secret, scope)


async def account_to_update(deps: Deps, account_id: int) -> AccountRow:
    """The stored account an update starts from (its provider says how the request's settings
    read). Admins only, checked before anything about the account is revealed or checked."""
    require_role("admin")
    if account_id <= 0:
        raise InvalidArgument("cloud_account.id", "names the account to update")
    return await get_account(deps, account_id)


async def update_account(
    deps: Deps,
    account_id: int,
    paths: list[str],
    changes: AccountSpec,
    active: bool,
    credentials: Mapping[str, str],
) -> AccountRow:
    """`changes` holds the request's values (provider is the stored one); only `paths` apply."""
    caller = require_role("admin")
    if not paths:
        raise InvalidArgument("update_mask", f"name at least one of {', '.join(sorted(UPDATABLE))}")
    unknown = sorted(set(paths) - UPDATABLE)
    if unknown:
        raise InvalidArgument(
            "update_mask",
            f"cannot update {', '.join(unknown)}; allowed: {', '.join(sorted(UPDATABLE))}",
        )
    async with deps.db.transaction() as session:
        row = await accounts.get(session, caller.org_id, account_id, for_update=True)
        if row is None:
            raise _not_found(account_id)
        if row.archived:
            raise _archived(account_id)
        values: dict[str, Any] = {}
        if "name" in paths:
            values["name"] = check_name(changes.name, "cloud_account")
        merged = AccountSpec(
            provider=row.provider,
            settings=changes.settings if "settings" in paths else row.settings,
            endpoint=changes.endpoint if "endpoint" in paths else row.endpoint,
        )
        check_spec(merged, "cloud_account")
        check_focus_path(deps, caller.org_id, merged, "cloud_account")
        stored = secrets.unseal(deps.box, row.org_id, row.id, row.credentials_sealed)
        new_credentials = dict(credentials) if "credentials" in paths else stored
        check_credentials(merged, new_credentials)
        if "settings" in paths:
            values["settings"] = merged.settings
        if "endpoint" in paths:
            values["endpoint"] = merged.endpoint or None
        if "active" in paths:
            values["active"] = active
        if "credentials" in paths:
            values["credentials_sealed"] = secrets.seal(
                deps.box, row.org_id, row.id, new_credentials
            )
        await accounts.update(session, row.id, values)
        updated = await accounts.get(session, caller.org_id, row.id)
    assert updated is not None
    return updated


def _archived(account_id: int) -> FailedPrecondition:
    return FailedPrecondition(
        f"cloud account {account_id} is archived and read-only; delete it to remove it",
        reason="ACCOUNT_ARCHIVED",
        account_id=account_id,
    )


async def delete_account(deps: Deps, account_id: int) -> None:
    caller = require_role("admin")
    async with deps.db.transaction() as session:
        row = await accounts.get(session, caller.org_id, account_id, for_update=True)
        if row is None:
            raise _not_found(account_id)
        await accounts.soft_delete(session, caller.org_id, account_id)
        await accounts.delete_costs(session, caller.org_id, account_id)
        await events.account_deleted(session, Owner(row.org_id, row.id, row.provider), row.name)


async def archive_account(deps: Deps, account_id: int) -> AccountRow:
    """Idempotent: archiving an archived account keeps its first archive time."""
    caller = require_role("admin")
    async with deps.db.transaction() as session:
        row = await accounts.get(session, caller.org_id, account_id, for_update=True)
        if row is None:
            raise _not_found(account_id)
        await accounts.archive(session, caller.org_id, account_id)
        archived = await accounts.get(session, caller.org_id, account_id)
    assert archived is not None
    return archived
