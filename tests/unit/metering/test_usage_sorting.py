"""A batch checked a column at a time gives what checking it event by event gives.

`sort_out` and `fold` take a fast path for a clean batch (every event acceptable, every id
new); these properties hold them to the event-by-event answer, on batches that are sometimes
clean and sometimes carry every kind of bad or repeated event.
"""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.metering.domain.digests import Digests, DigestSet
from services.metering.domain.meters import ALLOCATION_UNITS
from services.metering.domain.periods import DAY, period_bounds, period_of
from services.metering.domain.usage import (
    Events,
    TenantTerms,
    _all_acceptable,
    _all_printable,
    _one_by_one,
    fold,
    sort_out,
)

NOW = period_bounds("2026-06")[0] + 10 * DAY + 3600
OPEN_START = period_bounds("2026-06")[0]
CLOSED = period_bounds("2026-04")
TERMS = {
    # Subscribed since March; April is closed, May and June are open.
    "t1": TenantTerms.of((period_bounds("2026-03")[0], period_bounds("2026-05")[0]), (CLOSED,)),
    # Subscribed three days into June.
    "t2": TenantTerms.of((OPEN_START + 3 * DAY,), ()),
}
UNITS = {"cpu": "vCPU", "memory": "GiB", "logs_bytes": "bytes", "metrics_series": "series"}

good_ids = st.text("abcdef0123456789-", min_size=1, max_size=12)
bad_ids = st.sampled_from(["", "x" * 201, "line\nbreak", "nul\x00"])
good_times = st.integers(OPEN_START + 3 * DAY, NOW)
bad_times = st.sampled_from(
    [0, NOW + 3600, OPEN_START - 50 * DAY, CLOSED[0] + DAY, OPEN_START + DAY]
)  # missing, future, before t1's plan, closed, before t2's plan
earlier_open = st.integers(period_bounds("2026-05")[0], OPEN_START - 1)  # May: still open


@st.composite
def event(draw, clean: bool):
    meter = draw(st.sampled_from([*UNITS, *(["bogus"] if not clean else [])]))
    unit = draw(st.sampled_from(["", UNITS.get(meter, "")] + ([] if clean else ["bytes"])))
    quantity = draw(
        st.sampled_from(["0", "1", "2.5", "1.0", "64", "1000"] + ([] if clean else ["-1", "x"]))
    )
    tenant = draw(st.sampled_from(["t1", "t2"] if clean else ["t1", "t2", "nobody"]))
    times = st.one_of(good_times, bad_times)
    if clean:  # t2 has no plan before June
        times = st.one_of(good_times, earlier_open) if tenant == "t1" else good_times
    return (
        draw(good_ids if clean else st.one_of(good_ids, bad_ids)),
        tenant,
        draw(st.sampled_from(["c1", "c2"] if clean else ["c1", "c2", "tab\tcluster"])),
        meter,
        unit,
        quantity,
        draw(times),
    )


def batches(clean: bool):
    return st.lists(event(clean), min_size=1, max_size=40)


def _columns(accepted):
    return (
        list(accepted.positions),
        accepted.ids,
        accepted.tenants,
        accepted.clusters,
        accepted.meters,
        accepted.times,
        accepted.quantities,
        accepted.periods,
    )


@st.composite
def mostly_clean(draw):
    """A clean batch with a few bad events among it."""
    rows = draw(batches(clean=True))
    for bad in draw(st.lists(event(clean=False), min_size=1, max_size=3)):
        rows.insert(draw(st.integers(0, len(rows))), bad)
    return rows


@settings(max_examples=300, deadline=None)
@given(st.one_of(batches(clean=True), batches(clean=False), mostly_clean()))
def test_sort_out_agrees_with_checking_event_by_event(rows):
    events = Events.of_rows(rows)
    expected_rejections, expected = _one_by_one(events, TERMS, NOW)
    for slice_size in (1024, 4):  # whole, and in slices that are checked apart
        rejections, accepted = sort_out(events, TERMS, NOW, slice_size)
        assert rejections == expected_rejections
        assert _columns(accepted) == _columns(expected)


def _reference_fold(rows, applied):
    """Event by event, with nothing shared with `fold`."""
    fresh, duplicates, seen = {}, [], set()
    changes, logs, histogram, peaks, sampled = {}, {}, {}, {}, set()
    for position, (event_id, tenant, cluster, meter, _, text, at) in enumerate(rows):
        period, quantity = period_of(at), Decimal(text)
        if event_id in seen or event_id in applied.get(period, set()):
            duplicates.append(position)
            continue
        seen.add(event_id)
        fresh.setdefault(period, []).append(event_id)
        if meter in ALLOCATION_UNITS:
            changes.setdefault((tenant, cluster, meter), []).append((at, event_id, quantity))
            continue
        sampled.add((tenant, period))
        key = (tenant, at - at % DAY, cluster)
        if meter == "logs_bytes":
            logs[key] = logs.get(key, 0) + quantity
        else:
            bucket = (tenant, period, cluster, quantity)
            histogram[bucket] = histogram.get(bucket, 0) + 1
            peaks[key] = max(peaks.get(key, quantity), quantity)
    return fresh, duplicates, changes, logs, histogram, peaks, sampled


@settings(max_examples=300, deadline=None)
@given(
    batches(clean=True),
    st.lists(good_ids, max_size=5),
    st.booleans(),
)
def test_fold_agrees_with_folding_event_by_event(rows, applied_ids, repeat):
    if repeat:  # some ids twice in the batch
        rows = rows + rows[: len(rows) // 2]
    events = Events.of_rows(rows)
    _, accepted = sort_out(events, TERMS, NOW)
    assert len(accepted) == len(rows)
    periods = set(accepted.periods)
    applied = {period: set(applied_ids) for period in periods}
    digests = {period: DigestSet() for period in periods}
    for held in digests.values():
        held.add(Digests.of(applied_ids))
    totals, fresh, duplicates, keys = fold(accepted, digests)
    expected = _reference_fold(rows, applied)
    assert (fresh, duplicates) == expected[:2]
    for period, ids in fresh.items():
        assert keys[period].hi.tolist() == Digests.of(ids).hi.tolist()
        assert keys[period].lo.tolist() == Digests.of(ids).lo.tolist()
    assert totals.changes == expected[2]
    assert (totals.logs, totals.histogram, totals.peaks, totals.sampled) == expected[3:]


def test_a_clean_batch_is_taken_whole_across_periods_and_units():
    may, june = period_bounds("2026-05")[0] + DAY, OPEN_START + 5 * DAY
    rows = [
        ("a", "t1", "c1", "cpu", "vCPU", "2", may),
        ("b", "t1", "c2", "logs_bytes", "", "1000", june),
        ("c", "t1", "c1", "metrics_series", "series", "7", june),
    ]
    events = Events.of_rows(rows)
    accepted = _all_acceptable(events, TERMS, NOW)
    assert accepted is not None
    assert accepted.periods == ["2026-05", "2026-06", "2026-06"]
    assert accepted.quantities == [Decimal(2), Decimal(1000), Decimal(7)]
    # One wrong unit sends the batch event by event, where only that event is rejected.
    rows[2] = ("c", "t1", "c1", "metrics_series", "bytes", "7", june)
    assert _all_acceptable(Events.of_rows(rows), TERMS, NOW) is None
    rejections, _ = sort_out(Events.of_rows(rows), TERMS, NOW)
    assert [r and r.reason for r in rejections] == [None, None, "WRONG_UNIT"]


def test_the_batch_printable_check_agrees_with_isprintable():
    for code in range(0x3000):
        text = f"id-{chr(code)}"
        assert _all_printable(["ok", text]) == text.isprintable(), hex(code)
    assert _all_printable(["plain", "ünïcode"]) and not _all_printable(["ünï", "tab\t"])
