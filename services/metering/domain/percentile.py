"""P95 of active series by the nearest-rank method.

Nearest rank: sort the N samples ascending; the p-th percentile is the sample at 1-based
rank ceil(p/100 * N). It is always an observed value (no interpolation), so a tenant is never
billed for a series count it did not reach. Samples are kept as a histogram (value -> count)
per tenant, period and cluster, so the percentile needs the distribution, not the raw events.
Readers walk the histogram from the top: the nearest-rank value is also the (N - rank + 1)-th
largest sample, so with N known only the top 5% of the samples are read.
A tenant's P95 is the sum of its clusters' P95s: each cluster reports its own series. The
service computes it in SQL over the histograms (repository/readings.py: p95), the same method;
this function is its executable specification, checked against it in the integration tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

PERCENTILE = 95


def nearest_rank(counts: Iterable[tuple[Decimal, int]], percentile: int = PERCENTILE) -> Decimal:
    """`counts`: (value, how many samples had it), in any order; no samples gives 0."""
    ordered = sorted(counts)
    total = sum(n for _, n in ordered)
    if total == 0:
        return Decimal(0)
    rank = rank_of(total, percentile)
    seen = 0
    for value, n in ordered:
        seen += n
        if seen >= rank:
            return value
    raise AssertionError("unreachable: rank is at most the total")


def rank_of(total: int, percentile: int = PERCENTILE) -> int:
    return max(1, -(-percentile * total // 100))


def nearest_rank_from_top(
    total: int, descending: Iterable[tuple[Decimal, int]], percentile: int = PERCENTILE
) -> Decimal | None:
    """The same value, from (value, count) pairs largest first; None if they run out first."""
    if total == 0:
        return Decimal(0)
    needed = total - rank_of(total, percentile) + 1
    seen = 0
    for value, n in descending:
        seen += n
        if seen >= needed:
            return value
    return None
