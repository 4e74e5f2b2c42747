"""An event's deliveries planned: its alert matched to the org's rules, cooldowns taken, one
delivery per (event, channel) written in the same transaction as the inbox record, so an event
is either fully planned or not seen at all.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.logging import get_logger
from services.notifier.domain.matching import targets
from services.notifier.domain.model import PENDING, SUPPRESSED, Alert, RuleFilter, RuleView
from services.notifier.domain.signing import idempotency_key
from services.notifier.repository import channels as channel_repo
from services.notifier.repository import deliveries as delivery_repo
from services.notifier.repository import rules as rule_repo
from services.notifier.repository.deliveries import Planned

log = get_logger(__name__)


async def _rules_and_channels(
    session: AsyncSession, org_id: str, trigger: str
) -> tuple[list[RuleView], dict[int, str]]:
    """The org's enabled rules for the trigger and the types of their live channels, read once
    per transaction: a batch of events for one org asks only once."""
    cache = session.info.setdefault("notifier.rules", {})
    if (org_id, trigger) not in cache:
        rows = await rule_repo.matching(session, org_id, trigger)
        rules = [
            RuleView(
                id=int(r.id),
                trigger=str(r.trigger_type),
                filter=RuleFilter.from_json(r.filter),
                channel_ids=tuple(int(c) for c in r.channel_ids),
                cooldown_seconds=int(r.cooldown_seconds),
            )
            for r in rows
        ]
        wanted = sorted({c for rule in rules for c in rule.channel_ids})
        types = await channel_repo.live_types(session, org_id, wanted) if wanted else {}
        cache[(org_id, trigger)] = (rules, types)
    return cache[(org_id, trigger)]  # type: ignore[no-any-return]


async def plan_deliveries(session: AsyncSession, alert: Alert) -> int:
    """Writes one delivery per (event, channel) the alert's rules target; returns how many."""
    rules, types = await _rules_and_channels(session, alert.org_id, alert.trigger)
    decided: dict[int, tuple[int, str]] = {}
    for rule, channel_id in targets(rules, alert):
        if channel_id not in types or decided.get(channel_id, (0, ""))[1] == PENDING:
            continue
        free = rule.cooldown_seconds == 0 or await delivery_repo.take_cooldown(
            session, rule.id, channel_id, alert.subject_key, rule.cooldown_seconds
        )
        if free or channel_id not in decided:
            decided[channel_id] = (rule.id, PENDING if free else SUPPRESSED)
    if not decided:
        return 0
    planned = [
        Planned(
            rule_id,
            channel_id,
            types[channel_id],
            idempotency_key(alert.event_id, channel_id),
            status,
        )
        for channel_id, (rule_id, status) in decided.items()
    ]
    await delivery_repo.insert_planned(session, alert, planned)
    log.info("notifier.event_matched", event_id=alert.event_id, deliveries=len(planned))
    return len(planned)
