"""Property: the live estimate equals charges computed independently, plan window by window.

Random allocation changes arrive in random order (some twice), a plan change to a plan on
another price book lands part-way through the stream, and the estimate must equal the sum
over plan windows of quantity x seconds x that window's hourly rate.
"""

import uuid
from decimal import Decimal, localcontext

from costgrid.metering.v1 import service_pb2 as pb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.metering.conftest import (
    alloc,
    current_period,
    make_plan,
    make_tenant,
    now,
    record,
)

DEFAULT = {"cpu": Decimal("0.030"), "memory": Decimal("0.006"), "storage": Decimal("0.000116")}
OTHER = {"cpu": Decimal("0.041"), "memory": Decimal("0.0077"), "storage": Decimal("0.00013")}
_books: dict[str, str] = {}


async def _other_book(stub, org) -> str:
    if org not in _books:
        name = f"other-{uuid.uuid4().hex[:6]}"
        rates = {
            **{m: str(r) for m, r in OTHER.items()},
            "metrics_series": "0.003",
            "logs_bytes": "0.30",
        }
        book = pb.PriceBook(
            name=name,
            effective_from="2000-01-01",
            currency_code="GBP",
            rates=[pb.MeterRate(meter=m, rate=r) for m, r in rates.items()],
        )
        await stub.CreatePriceBook(pb.CreatePriceBookRequest(price_book=book))
        _books[org] = name
    return _books[org]


def per_window_charges(changes, windows, as_of) -> dict[str, Decimal]:
    """changes: (cluster, meter, at, id, quantity); windows: (start, end, rates)."""
    held: dict[tuple[int, str], Decimal] = {}
    keys = {(c[0], c[1]) for c in changes}
    for key in keys:
        steps = sorted((c for c in changes if (c[0], c[1]) == key), key=lambda c: (c[2], c[3]))
        for i, (_, meter, at, _, quantity) in enumerate(steps):
            stop = steps[i + 1][2] if i + 1 < len(steps) else as_of
            for w, (lo, hi, _) in enumerate(windows):
                overlap = min(stop, hi, as_of) - max(at, lo)
                if overlap > 0:
                    held[w, meter] = held.get((w, meter), Decimal(0)) + quantity * overlap
    charges = {meter: Decimal(0) for meter in DEFAULT}
    with localcontext(prec=60):
        for (w, meter), quantity_seconds in held.items():
            rate = windows[w][2][meter]
            charges[meter] += (quantity_seconds * rate / 3600).quantize(Decimal("1e-10"))
    return charges


change_strategy = st.tuples(
    st.sampled_from(["c1", "c2"]),
    st.sampled_from(["cpu", "memory", "storage"]),
    st.floats(0, 1),  # where in the period so far
    st.decimals(min_value=0, max_value=64, places=2),
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=st.lists(change_strategy, min_size=1, max_size=30),
    change_at=st.floats(0.01, 0.99),
    split=st.floats(0, 1),
    order=st.randoms(use_true_random=False),
    repeats=st.integers(0, 5),
)
async def test_estimate_equals_the_sum_of_per_window_charges(
    admin, org, raw, change_at, split, order, repeats
):
    start = current_period()[0]
    elapsed = now() - 1 - start
    changes = [(c, m, start + int(f * elapsed), uuid.uuid4().hex, q) for c, m, f, q in raw]
    plan_change = start + max(1, int(change_at * elapsed))
    first = await make_plan(admin)
    second = await make_plan(admin, book=await _other_book(admin, org))
    tenant = await make_tenant(admin, first, start)

    events = [alloc(tenant, m, str(q), at, cluster=c, event_id=i) for c, m, at, i, q in changes]
    events += order.sample(events, min(repeats, len(events)))  # redelivered duplicates
    order.shuffle(events)
    cut = int(split * len(events))
    await record(admin, *events[:cut])
    request = pb.ChangeSubscriptionRequest(tenant_id=tenant, plan_id=second)
    request.effective_time.seconds = plan_change
    await admin.ChangeSubscription(request)
    if events[cut:]:
        await record(admin, *events[cut:])

    estimate = await admin.GetCurrentEstimate(pb.GetCurrentEstimateRequest(tenant_id=tenant))

    as_of = estimate.as_of_time.seconds
    windows = [(start, plan_change, DEFAULT), (plan_change, as_of, OTHER)]
    expected = per_window_charges(changes, windows, as_of)
    assert {c.meter: Decimal(c.amount.amount) for c in estimate.compute} == expected
    assert Decimal(estimate.total.amount) == sum(expected.values())
