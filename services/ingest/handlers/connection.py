"""TestConnection: call the provider with an account's settings and say exactly what is wrong.

The connector's own message is passed through unchanged (it names the missing permission,
the rejected key, the missing file). Connectors block, so they run in a thread, bounded by
a timeout so a provider that hangs cannot hold the call forever.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from services.common.caller import current_caller, require_role
from services.common.errors import NotFound
from services.common.logging import get_logger
from services.ingest.connectors.base import ConnectorError
from services.ingest.connectors.registry import account_config, build_connector
from services.ingest.deps import Deps
from services.ingest.domain.accounts import AccountSpec, check_spec
from services.ingest.handlers import secrets
from services.ingest.handlers.drop_folder import check_focus_path, focus_folder
from services.ingest.repository import accounts

log = get_logger(__name__)
# ConnectionCheck carries no code; a failed check without an exception gets this one.
CHECK_FAILED = "PROVIDER_CHECK_FAILED"


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    message: str
    reason: str = ""


async def test_stored(deps: Deps, account_id: int) -> ConnectionResult:
    caller = require_role("member")
    async with deps.db.transaction() as session:
        row = await accounts.get(session, caller.org_id, account_id)
    if row is None:
        raise NotFound(f"cloud account {account_id} not found", account_id=account_id)
    credentials = secrets.unseal(deps.box, row.org_id, row.id, row.credentials_sealed)
    spec = AccountSpec(row.provider, row.name, row.settings, row.endpoint)
    return await _run(deps, spec, credentials)


async def test_draft(
    deps: Deps, spec: AccountSpec, credentials: Mapping[str, str]
) -> ConnectionResult:
    caller = require_role("member")
    check_spec(spec, "draft")
    check_focus_path(deps, caller.org_id, spec, "draft")
    return await _run(deps, spec, credentials)


async def _run(deps: Deps, spec: AccountSpec, credentials: Mapping[str, str]) -> ConnectionResult:
    folder = focus_folder(deps, current_caller().org_id)
    config = account_config(spec.provider, spec.settings, credentials, spec.endpoint, folder)

    def check() -> ConnectionResult:
        try:
            result = build_connector(config).test_connection()
        except ConnectorError as err:
            return ConnectionResult(False, err.message, err.reason)
        return ConnectionResult(result.ok, result.message, "" if result.ok else CHECK_FAILED)

    timeout = deps.settings.ingest_test_connection_timeout_seconds
    try:
        result = await asyncio.wait_for(asyncio.to_thread(check), timeout)
    except TimeoutError:
        result = ConnectionResult(
            False,
            f"{spec.provider} did not answer within {timeout:.0f} seconds",
            "PROVIDER_TIMEOUT",
        )
    log.info(
        "account.connection_tested",
        org=current_caller().org_id,
        provider=spec.provider,
        ok=result.ok,
        reason=result.reason,
    )
    return result
