"""Cost answers: sums per currency turned into what a FinOps user reads.

Sums stay exact (full provider precision). Only derived estimates (daily average,
month-end projection) and percentages are rounded, half-up, since they are not amounts
anyone is billed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice

from services.common.money import Money
from services.ingest.domain.queries import Period, month_end

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PERCENT_PLACES = Decimal("0.01")
UNTAGGED_LABEL = "(untagged)"


@dataclass(frozen=True, slots=True)
class Share:
    """One group's part of a currency total."""

    key: str
    label: str
    amount: Decimal
    percent: Decimal | None  # None when the total is zero


@dataclass(frozen=True, slots=True)
class ShareColumns:
    """Shares largest first, as parallel columns: a wide split (90 days x 600 groups) costs a
    few lists, not an object per share. Amounts and percents are exact decimal text, as
    PostgreSQL's NUMERIC prints them and the wire carries them; a percent is "" when the
    total is zero."""

    keys: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    amounts: list[str] = field(default_factory=list)
    percents: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, shares: list[Share]) -> ShareColumns:
        return cls(
            [s.key for s in shares],
            [s.label for s in shares],
            [format(s.amount, "f") for s in shares],
            ["" if s.percent is None else format(s.percent, "f") for s in shares],
        )

    def shares(self, limit: int | None = None) -> list[Share]:
        """The first `limit` (all when None) as Shares, amounts as Decimal."""
        rows = zip(self.keys, self.labels, self.amounts, self.percents, strict=True)
        return [
            Share(key, label, Decimal(amount), Decimal(percent) if percent else None)
            for key, label, amount, percent in islice(rows, limit)
        ]


@dataclass(frozen=True, slots=True)
class RunRate:
    daily_average: Money
    projected_month_end: Money
    mom_change_percent: Decimal | None  # None when last month's same days cost nothing


@dataclass(frozen=True, slots=True)
class Split:
    """A currency total as its top N groups plus everything else."""

    currency: str
    total: Decimal
    items: list[Share] = field(default_factory=list)
    other: Decimal = ZERO


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == ZERO:
        return None
    return (part * HUNDRED / whole).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def run_rate(
    currency: str,
    month_to_date: Decimal,
    current: Period,
    last_month_same_days: Decimal,
    same_days: Period,
) -> RunRate:
    """Daily average, run-rate projection and a like-for-like month-over-month change.

    `current` runs to the last day counted, so days without data yet do not pull the
    average down; the projection is that average over the whole month. The change compares daily rates over the same days of both months (days 1..d), so
    the 10th of March is compared with 1-10 February, not with all of February. When this
    month already has more days than last month had (the 31st after a February), the
    daily rate of all of last month stands in for it.
    """
    average = month_to_date / current.days if current.days > 0 else ZERO
    days_in_month = month_end(current.start).day
    change = None
    if last_month_same_days != ZERO:
        previous_rate = last_month_same_days / same_days.days
        change = ((average - previous_rate) * HUNDRED / abs(previous_rate)).quantize(
            PERCENT_PLACES, rounding=ROUND_HALF_UP
        )
    return RunRate(
        daily_average=Money(average, currency).rounded(),
        projected_month_end=Money(average * days_in_month, currency).rounded(),
        mom_change_percent=change,
    )


def ranked(amounts: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
    """Largest first; ties by key so answers are stable."""
    return sorted(amounts.items(), key=lambda item: (-item[1], item[0]))


def shares(
    amounts: dict[str, Decimal], total: Decimal, labels: dict[str, str] | None = None
) -> list[Share]:
    names = labels or {}
    return [
        Share(key, names.get(key, key), amount, percent(amount, total))
        for key, amount in ranked(amounts)
    ]


def account_labels(names: dict[int, str]) -> dict[str, str]:
    """Account id (as a group key) -> its name, unique: clients key breakdowns by it, so a
    name two accounts share carries each one's id."""
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {str(i): name if counts[name] == 1 else f"{name} (#{i})" for i, name in names.items()}


def with_untagged(tagged: dict[str, Decimal], total: Decimal) -> dict[str, Decimal]:
    """Tag values plus the cost carrying no value for the key, so the parts add up."""
    rest = total - sum(tagged.values(), ZERO)
    return {**tagged, "": rest} if rest != ZERO else dict(tagged)


def top_split(currency: str, total: Decimal, ranked_shares: list[Share], n: int) -> Split:
    """The first `n` of shares ranked largest first; the rest summed into `other`."""
    items = ranked_shares[:n]
    return Split(currency, total, items, total - sum((i.amount for i in items), ZERO))


def group_sums(
    rows: Iterable[tuple[date, str, str, Decimal]],
) -> dict[tuple[date, str], dict[str, Decimal]]:
    """(bucket, currency, key, amount) rows -> {(bucket, currency): {key: amount}}."""
    grouped: dict[tuple[date, str], dict[str, Decimal]] = {}
    for bucket, currency, key, amount in rows:
        parts = grouped.setdefault((bucket, currency), {})
        parts[key] = parts.get(key, ZERO) + amount
    return grouped
