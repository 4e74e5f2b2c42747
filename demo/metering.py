"""Demo metering for `make run`, in the org the gateway's bootstrap token belongs to ("default").

Two tenants on one plan since the start of last month, each with two clusters: allocations
that change every six hours, hourly active-series and log samples. Acme's series run past the
plan's allowance and it may go over (overage is billed); Globex's allowance is a hard limit
(ENFORCED), so reaching it publishes `metering.allowance_reached`. Last month closes by itself
once the service runs (period end plus grace), so statements appear too.

Created through the handlers the API uses, idempotent on request ids and event ids: a second
`make run` adds only the hours that passed since.
"""

from __future__ import annotations

import time

from google.protobuf.timestamp_pb2 import Timestamp

from services.common.caller import reset_caller, set_caller, system_caller
from services.common.db import Database
from services.common.settings import Settings
from services.metering.domain.periods import DAY, period_bounds, period_of
from services.metering.domain.usage import EventFields, Events
from services.metering.handlers import catalog, tenants
from services.metering.handlers.seen_ids import SeenIds
from services.metering.handlers.usage import record_usage

DEMO_ORG = "default"
ENFORCED, ALLOWED = 1, 2
HOUR = 3600
# (id, name, overage policy, vCPUs per cluster at the daily peak, active series per cluster)
TENANTS = (
    ("acme-prod", "Acme (production)", ALLOWED, 24, 1_400),
    ("globex", "Globex", ENFORCED, 8, 1_100),
)
CLUSTERS = ("eu-west-1", "us-east-1")
SERIES_ALLOWANCE = 2_000
LOGS_ALLOWANCE = 200 * 10**9  # bytes


def usage(start: int, end: int) -> list[EventFields]:
    """Every demo event from `start` to `end`, with ids that name what they are."""
    events: list[EventFields] = []
    for tenant, _, _, peak_cpu, series in TENANTS:
        for c, cluster in enumerate(CLUSTERS):
            for at in range(start, end, HOUR):
                hour = (at % DAY) // HOUR
                day_shape = 1 + (hour >= 8) + (hour >= 12) - (hour >= 20)  # 1..3
                if at % (6 * HOUR) == 0:
                    cpu = peak_cpu * day_shape // 3 + c * 2
                    for meter, quantity in (
                        ("cpu", cpu),
                        ("memory", cpu * 4),
                        ("storage", 500 + (at - start) // DAY * 10),
                    ):
                        events.append(_event(tenant, cluster, meter, str(quantity), at))
                active = series * day_shape // 3 + (at // HOUR) % 97
                logs = 40_000_000 * day_shape + (at // HOUR) % 1_000_000
                events.append(_event(tenant, cluster, "metrics_series", str(active), at))
                events.append(_event(tenant, cluster, "logs_bytes", str(logs), at))
    return events


def _event(tenant: str, cluster: str, meter: str, quantity: str, at: int) -> EventFields:
    return (f"demo:{tenant}:{cluster}:{meter}:{at}", tenant, cluster, meter, "", quantity, at)


async def seed(settings: Settings) -> None:
    now = int(time.time())
    start = period_bounds(period_of(period_bounds(period_of(now))[0] - 1))[0]  # last month
    db = Database.for_service(settings, "metering")
    token = set_caller(system_caller(DEMO_ORG, "metering"))
    try:
        plan = await catalog.create_plan(
            db,
            "demo:plan",
            "Managed cluster, standard",
            "default",
            SERIES_ALLOWANCE,
            LOGS_ALLOWANCE,
            None,
        )
        for tenant_id, name, policy, _, _ in TENANTS:
            await tenants.create_tenant(
                db,
                f"demo:{tenant_id}",
                tenant_id,
                name,
                policy,
                plan["id"],
                Timestamp(seconds=start),
            )
        events = Events.of_rows(usage(start, now - now % HOUR))
        await record_usage(db, SeenIds(), {DEMO_ORG: events}, now)
    finally:
        reset_caller(token)
        await db.dispose()
