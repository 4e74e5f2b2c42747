"""The per-account daily totals behind the fast queries never drift from the rollups.

Whatever the storage layer does to `daily_rollups` (insert, upsert, update, replace a
window), `daily_account_totals` must equal a GROUP BY of the rollups, with no leftovers.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from costgrid.ingest.v1 import service_pb2 as pb
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.support.ingest_cost_rollups import Costs, QueryClients, Row, new_org, running_queries

DAY0 = date(2026, 6, 1)
KEY = "account_id, day, provider, provider_type, currency"


@pytest.fixture(scope="module")
async def service(settings):
    async with running_queries(settings) as running:
        yield running


@pytest.fixture(scope="module")
async def ask(service, settings):
    clients = QueryClients(service, settings)
    yield clients
    await clients.close()


async def drift(costs: Costs) -> tuple[list, list]:
    """(totals kept, totals recomputed from the rollups) for the org."""
    async with costs.db.transaction() as session:
        kept = await session.execute(
            text(
                f"SELECT {KEY}, amount FROM daily_account_totals WHERE org_id = :o ORDER BY 1, 2, 3, 4, 5"
            ),
            {"o": costs.org_id},
        )
        fresh = await session.execute(
            text(
                f"SELECT {KEY}, sum(amount) FROM daily_rollups WHERE org_id = :o"
                f" GROUP BY {KEY} ORDER BY 1, 2, 3, 4, 5"
            ),
            {"o": costs.org_id},
        )
        return [tuple(r) for r in kept], [tuple(r) for r in fresh]


UPSERT = (
    "INSERT INTO daily_rollups (org_id, account_id, day, provider, provider_type, service,"
    " region, currency, amount) VALUES (:o, :a, :d, 'FOCUS_FILE', :t, :s, 'r', :c,"
    " CAST(:x AS numeric))"
    " ON CONFLICT (org_id, account_id, day, provider, provider_type, service, region, currency)"
    " DO UPDATE SET amount = excluded.amount"
)
amount = st.decimals(min_value=Decimal("-10"), max_value=Decimal("1000"), places=3)
upsert = st.tuples(
    st.just("upsert"),
    st.lists(
        st.tuples(
            st.integers(0, 1),
            st.integers(0, 3),
            st.sampled_from(["EC2", "S3"]),
            st.sampled_from(["USD", "EUR"]),
            amount,
            st.sampled_from(["aws", "oracle"]),
        ),
        min_size=1,
        max_size=6,
    ),
)
replace = st.tuples(st.just("replace"), st.integers(0, 1), st.integers(0, 3), st.integers(0, 3))
double = st.tuples(st.just("double"), st.integers(0, 1))


@hsettings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(operations=st.lists(st.one_of(upsert, replace, double), min_size=1, max_size=6))
async def test_totals_follow_every_kind_of_rollup_write(service, operations):
    costs = Costs(service.runtime.db, new_org())
    accounts = [await costs.account("A"), await costs.account("B")]
    for operation in operations:
        async with costs.db.transaction() as session:
            if operation[0] == "upsert":
                await session.execute(
                    text(UPSERT),
                    [
                        {
                            "o": costs.org_id,
                            "a": accounts[a],
                            "d": DAY0 + timedelta(days=d),
                            "s": s,
                            "c": c,
                            "x": str(x),
                            "t": t,
                        }
                        for a, d, s, c, x, t in operation[1]
                    ],
                )
            elif operation[0] == "replace":  # the storage layer's re-sync of a window
                _, a, first, length = operation
                await session.execute(
                    text(
                        "DELETE FROM daily_rollups WHERE org_id = :o AND account_id = :a"
                        " AND day BETWEEN :f AND :l"
                    ),
                    {
                        "o": costs.org_id,
                        "a": accounts[a],
                        "f": DAY0 + timedelta(days=first),
                        "l": DAY0 + timedelta(days=first + length),
                    },
                )
            else:
                await session.execute(
                    text(
                        "UPDATE daily_rollups SET amount = amount * 2"
                        " WHERE org_id = :o AND account_id = :a"
                    ),
                    {"o": costs.org_id, "a": accounts[operation[1]]},
                )

    kept, fresh = await drift(costs)
    assert kept == fresh


async def test_a_replaced_window_changes_the_answer_and_an_emptied_currency_disappears(
    service, ask
):
    costs = Costs(service.runtime.db, new_org())
    aws = await costs.account("Prod AWS")
    await costs.rollups(
        Row(aws, date(2026, 6, 2), "10"),
        Row(aws, date(2026, 6, 2), "3", currency="EUR"),
    )
    async with costs.db.transaction() as session:
        await session.execute(
            text("DELETE FROM daily_rollups WHERE org_id = :o AND account_id = :a"),
            {"o": costs.org_id, "a": aws},
        )
    await costs.rollups(Row(aws, date(2026, 6, 2), "12.5"))

    response = await ask(costs.org_id).GetOverview(pb.GetOverviewRequest(as_of_date="2026-06-03"))

    assert [(c.currency_code, c.month_to_date.amount) for c in response.currencies] == [
        ("USD", "12.5")
    ]
