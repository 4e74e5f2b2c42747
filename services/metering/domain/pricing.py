"""Price books, plans and plan windows, cut into rate spans over a period.

A rate span is a stretch of a period with one plan and one price-book version: spans start at
the period start, at each plan change and at each new book version's effective date (UTC
midnight), so every allocation segment (a day, or part of one at a plan change) lies in one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from services.common.errors import FailedPrecondition


@dataclass(frozen=True)
class BookVersion:
    name: str
    version: int
    effective_from: int  # epoch seconds of the UTC date
    currency: str
    rates: dict[str, Decimal]


@dataclass(frozen=True)
class PlanTerms:
    id: int
    name: str
    book: str
    metrics_allowance: int
    logs_allowance: int
    base_fee: Decimal | None = None


@dataclass(frozen=True)
class Window:
    start: int
    end: int | None  # None while current
    plan: PlanTerms


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    plan: PlanTerms
    book: BookVersion

    @property
    def seconds(self) -> int:
        return self.end - self.start


def version_at(versions: Sequence[BookVersion], moment: int, name: str) -> BookVersion:
    """The latest version effective on or before `moment` (versions sorted by effective_from)."""
    i = bisect_right([v.effective_from for v in versions], moment)
    if i == 0:
        raise FailedPrecondition(
            f"price book '{name}' has no version in effect at that time",
            reason="NO_PRICE_BOOK_IN_EFFECT",
            price_book=name,
        )
    return versions[i - 1]


def windows_of(starts: Sequence[tuple[int, PlanTerms]]) -> list[Window]:
    """Plan windows from (start, plan) pairs sorted by start: each ends where the next starts."""
    return [
        Window(start, starts[i + 1][0] if i + 1 < len(starts) else None, plan)
        for i, (start, plan) in enumerate(starts)
    ]


def rate_spans(
    start: int, end: int, windows: Sequence[Window], books: dict[str, list[BookVersion]]
) -> list[Span]:
    """Spans covering the subscribed part of [start, end); a current window runs to `end`."""
    spans: list[Span] = []
    for window in windows:
        lo, hi = max(window.start, start), min(window.end or end, end)
        if hi <= lo:
            continue
        versions = books.get(window.plan.book, [])
        cuts = [v.effective_from for v in versions if lo < v.effective_from < hi]
        edges = [lo, *cuts, hi]
        for a, b in pairwise(edges):
            spans.append(Span(a, b, window.plan, version_at(versions, a, window.plan.book)))
    return spans


def span_index(spans: Sequence[Span], moment: int) -> int | None:
    i = bisect_right([s.start for s in spans], moment) - 1
    return i if i >= 0 and moment < spans[i].end else None
