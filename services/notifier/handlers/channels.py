"""Channel use cases: create, read, update, delete and send a test; one transaction each."""

from __future__ import annotations

import secrets as token_source
from typing import Any

from sqlalchemy import Row

from services.common.caller import current_caller, require_role
from services.common.db import Database
from services.common.errors import InvalidArgument, NotFound
from services.common.idempotency import create_once
from services.common.pagination import decode_token, page_of, page_size
from services.notifier.delivery.context import NotifierContext
from services.notifier.domain.model import Alert
from services.notifier.domain.network import BlockedDestination
from services.notifier.domain.retry import AttemptResult
from services.notifier.domain.validation import Destination, check_channel, check_name
from services.notifier.repository import channels as repo
from services.notifier.senders import dispatch, guard
from services.notifier.senders.base import Target

_UPDATABLE = {"name", "config", "secrets"}


class ChannelHandlers:
    def __init__(self, db: Database, ctx: NotifierContext) -> None:
        self._db = db
        self._ctx = ctx

    async def _vet(self, kind: str, config: dict[str, Any], secrets: dict[str, Any]) -> None:
        """Validates, then checks each destination resolves to an allowed address."""
        s = self._ctx.settings
        for dest in check_channel(
            kind, config, secrets, s.notifier_allow_plain_http, s.notifier_sms_api_base_url
        ):
            await _vet_destination(dest, self._ctx)

    async def create(
        self, request_id: str, name: str, kind: str, config: dict[str, Any], secrets: dict[str, Any]
    ) -> tuple[Row[Any], str]:
        """The channel and, for a webhook without a signing secret, the generated one."""
        caller = require_role("admin")
        name = check_name(name, "channel.name")
        generated = ""
        if kind == "WEBHOOK" and not secrets.get("signing_secret"):
            generated = token_source.token_urlsafe(32)
            secrets = {**secrets, "signing_secret": generated, "generated": True}
        await self._vet(kind, config, secrets)
        async with self._db.transaction() as session:

            async def insert() -> Row[Any] | None:
                channel_id = await repo.next_id(session)
                sealed = self._ctx.seal(caller.org_id, channel_id, secrets)
                return await repo.insert(
                    session,
                    channel_id,
                    caller.org_id,
                    name,
                    kind,
                    config,
                    sealed,
                    request_id or None,
                )

            once = await create_once(
                request_id, lambda rid: repo.by_request(session, caller.org_id, rid), insert
            )
        return once.row, generated if once.created else self._generated(once.row)

    def _generated(self, row: Row[Any]) -> str:
        # A retried create returns what the first one did, generated secret included.
        opened = self._ctx.open(row.org_id, row.id, row.secrets_sealed)
        return str(opened["signing_secret"]) if opened.get("generated") else ""

    async def get(self, channel_id: int) -> Row[Any]:
        caller = current_caller()
        async with self._db.transaction() as session:
            row = await repo.get(session, caller.org_id, channel_id)
        if row is None:
            raise NotFound(f"channel {channel_id} does not exist", channel_id=channel_id)
        return row

    async def page(self, kind: str, size: int, token: str) -> tuple[list[Row[Any]], str]:
        caller = current_caller()
        limit = page_size(size)
        scope = f"channels/{caller.org_id}/{kind}"
        after = decode_token(token, self._ctx.signing_key, scope) or [0]
        async with self._db.transaction() as session:
            rows = await repo.page(session, caller.org_id, kind, int(after[0]), limit + 1)
        return page_of(rows, limit, lambda row: [row.id], self._ctx.signing_key, scope)

    async def update(
        self,
        channel_id: int,
        kind: str,
        paths: list[str],
        name: str,
        config: dict[str, Any] | None,
        secrets: dict[str, Any],
    ) -> Row[Any]:
        caller = require_role("admin")
        if not paths:
            raise InvalidArgument("update_mask", "must name at least one of name, config, secrets")
        unknown = set(paths) - _UPDATABLE
        if unknown:
            raise InvalidArgument("update_mask", f"cannot update {', '.join(sorted(unknown))}")
        async with self._db.transaction() as session:
            row = await repo.get(session, caller.org_id, channel_id, for_update=True)
            if row is None:
                raise NotFound(f"channel {channel_id} does not exist", channel_id=channel_id)
            if kind and kind != row.type:
                raise InvalidArgument("channel.type", "cannot change; create a new channel")
            current = self._ctx.open(caller.org_id, channel_id, row.secrets_sealed)
            new_name = check_name(name, "channel.name") if "name" in paths else row.name
            new_config = config if "config" in paths and config is not None else dict(row.config)
            new_secrets = current
            if "secrets" in paths:
                new_secrets = dict(secrets)
                if row.type == "WEBHOOK" and not secrets.get("signing_secret"):
                    new_secrets["signing_secret"] = current["signing_secret"]
            await self._vet(row.type, new_config, new_secrets)
            sealed = self._ctx.seal(caller.org_id, channel_id, new_secrets)
            return await repo.update(
                session, caller.org_id, channel_id, new_name, new_config, sealed
            )

    async def delete(self, channel_id: int) -> None:
        caller = require_role("admin")
        async with self._db.transaction() as session:
            if not await repo.soft_delete(session, caller.org_id, channel_id):
                raise NotFound(f"channel {channel_id} does not exist", channel_id=channel_id)

    async def send_test(self, channel_id: int) -> AttemptResult:
        """One attempt now, through the same sender and address checks as real alerts."""
        caller = require_role("member")
        row = await self.get(channel_id)
        secrets = self._ctx.open(caller.org_id, channel_id, row.secrets_sealed)
        target = Target(channel_id, row.type, dict(row.config), secrets)
        alert = Alert(
            event_id=f"test-{token_source.token_hex(8)}",
            org_id=caller.org_id,
            trigger="TEST",
            subject_key="test",
            title="Test notification from Costgrid",
            summary=f"The channel {row.name} is set up correctly.",
            urgency="warning",
            occurred_at="",
            facts=(("Channel", row.name), ("Sent by", caller.principal)),
        )
        return await dispatch.send(self._ctx.send, target, alert, alert.event_id)


async def _vet_destination(dest: Destination, ctx: NotifierContext) -> None:
    try:
        await guard.resolve_vetted(dest.host, dest.port, ctx.policy)
    except BlockedDestination as exc:
        raise InvalidArgument(dest.field, str(exc), reason="DESTINATION_NOT_ALLOWED") from exc
    except OSError as exc:
        raise InvalidArgument(dest.field, f"{dest.host} does not resolve ({exc})") from exc
