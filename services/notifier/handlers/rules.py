"""Rule use cases and the delivery log; one transaction each."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.caller import current_caller, require_role
from services.common.db import Database
from services.common.errors import InvalidArgument, NotFound
from services.common.idempotency import create_once
from services.common.pagination import decode_token, page_of, page_size
from services.notifier.delivery.context import NotifierContext
from services.notifier.domain.model import RuleFilter
from services.notifier.domain.validation import check_name, check_rule
from services.notifier.repository import channels as channel_repo
from services.notifier.repository import deliveries as delivery_repo
from services.notifier.repository import rules as repo

UPDATABLE = ("name", "trigger_type", "filter", "channel_ids", "enabled", "cooldown_seconds")


class RuleHandlers:
    def __init__(self, db: Database, ctx: NotifierContext) -> None:
        self._db = db
        self._ctx = ctx

    async def _checked(
        self, session: AsyncSession, org_id: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        fields = {**fields, "name": check_name(fields["name"], "rule.name")}
        rule_filter: RuleFilter = fields["filter"]
        channel_ids = list(dict.fromkeys(fields["channel_ids"]))
        check_rule(fields["trigger_type"], rule_filter, channel_ids, fields["cooldown_seconds"])
        live = await channel_repo.live_types(session, org_id, channel_ids)
        missing = [c for c in channel_ids if c not in live]
        if missing:
            # Another organization's channel is as absent as one nobody has.
            raise NotFound(
                f"rule.channel_ids: no such channel: {', '.join(map(str, missing))}",
                reason="CHANNEL_NOT_FOUND",
                field="rule.channel_ids",
            )
        return {**fields, "filter": rule_filter.to_json(), "channel_ids": channel_ids}

    async def create(self, request_id: str, fields: dict[str, Any]) -> Row[Any]:
        caller = require_role("member")
        async with self._db.transaction() as session:

            async def insert() -> Row[Any] | None:
                checked = await self._checked(session, caller.org_id, fields)
                return await repo.insert(session, caller.org_id, request_id or None, checked)

            once = await create_once(
                request_id, lambda rid: repo.by_request(session, caller.org_id, rid), insert
            )
            return once.row

    async def get(self, rule_id: int) -> Row[Any]:
        caller = current_caller()
        async with self._db.transaction() as session:
            row = await repo.get(session, caller.org_id, rule_id)
        if row is None:
            raise NotFound(f"rule {rule_id} does not exist", rule_id=rule_id)
        return row

    async def page(self, trigger: str, size: int, token: str) -> tuple[list[Row[Any]], str]:
        caller = current_caller()
        limit = page_size(size)
        scope = f"rules/{caller.org_id}/{trigger}"
        after = decode_token(token, self._ctx.signing_key, scope) or [0]
        async with self._db.transaction() as session:
            rows = await repo.page(session, caller.org_id, trigger, int(after[0]), limit + 1)
        return page_of(rows, limit, lambda row: [row.id], self._ctx.signing_key, scope)

    async def update(self, rule_id: int, paths: list[str], fields: dict[str, Any]) -> Row[Any]:
        caller = require_role("member")
        if not paths:
            raise InvalidArgument(
                "update_mask", f"must name at least one of {', '.join(UPDATABLE)}"
            )
        unknown = set(paths) - set(UPDATABLE)
        if unknown:
            raise InvalidArgument("update_mask", f"cannot update {', '.join(sorted(unknown))}")
        async with self._db.transaction() as session:
            row = await repo.get(session, caller.org_id, rule_id, for_update=True)
            if row is None:
                raise NotFound(f"rule {rule_id} does not exist", rule_id=rule_id)
            current = {
                "name": row.name,
                "trigger_type": row.trigger_type,
                "filter": RuleFilter.from_json(row.filter),
                "channel_ids": list(row.channel_ids),
                "enabled": row.enabled,
                "cooldown_seconds": row.cooldown_seconds,
            }
            merged = {**current, **{p: fields[p] for p in paths}}
            checked = await self._checked(session, caller.org_id, merged)
            return await repo.update(session, caller.org_id, rule_id, checked)

    async def delete(self, rule_id: int) -> None:
        caller = require_role("member")
        async with self._db.transaction() as session:
            if not await repo.soft_delete(session, caller.org_id, rule_id):
                raise NotFound(f"rule {rule_id} does not exist", rule_id=rule_id)

    async def deliveries(
        self, filters: dict[str, Any], size: int, token: str
    ) -> tuple[list[Row[Any]], str]:
        """Newest first, with each delivery's status, attempts, last error and response code."""
        caller = current_caller()
        limit = page_size(size)
        scope = f"deliveries/{caller.org_id}/{sorted(filters.items())}"
        before = decode_token(token, self._ctx.signing_key, scope) or [2**62]
        async with self._db.transaction() as session:
            rows = await delivery_repo.page(
                session, caller.org_id, filters, int(before[0]), limit + 1
            )
        return page_of(rows, limit, lambda row: [row.id], self._ctx.signing_key, scope)
