"""P95 of active series by nearest rank: an observed value, never an interpolation."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.metering.domain.percentile import nearest_rank, nearest_rank_from_top


def _counts(values):
    counts = {}
    for v in values:
        counts[Decimal(v)] = counts.get(Decimal(v), 0) + 1
    return list(counts.items())


def test_p95_of_one_to_a_hundred_is_95():
    assert nearest_rank(_counts(range(1, 101))) == 95


def test_p95_of_twenty_samples_is_the_nineteenth_smallest():
    assert nearest_rank(_counts(range(1, 21))) == 19


def test_a_single_spike_among_many_samples_is_ignored():
    assert nearest_rank(_counts([100] * 99 + [100_000])) == 100


def test_no_samples_means_no_series():
    assert nearest_rank([]) == 0


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=300))
def test_histogram_p95_matches_sorting_the_raw_samples(values):
    ordered = sorted(values)
    rank = -(-95 * len(ordered) // 100)
    assert nearest_rank(_counts(values)) == ordered[rank - 1]


@given(
    st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=300),
    st.integers(min_value=1, max_value=99),
)
def test_reading_from_the_top_gives_the_same_nearest_rank(values, percentile):
    counts = _counts(values)
    descending = sorted(counts, reverse=True)
    assert nearest_rank_from_top(len(values), descending, percentile) == nearest_rank(
        counts, percentile
    )


def test_reading_from_the_top_says_when_it_needs_more_rows():
    assert nearest_rank_from_top(100, [(Decimal(99), 1), (Decimal(98), 1)]) is None
