"""What drove an anomaly: each service's and region's rise over its own usual level that day.

"Usual" is the median of the same weekday over the trailing weeks, so a part that always
peaks on Mondays is not blamed for a Monday. The anomaly's impact (actual minus expected) is
shared out among the parts that rose, in proportion to their rise: within each dimension the
contributions add up to the impact exactly, so a cause's figure reads as "this much of it".
Parts that fell are not causes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from statistics import median

from services.budgets.domain.allocation import allocate

# Per dimension; beyond this the smallest parts are summed into one OTHER cause.
MAX_PARTS = 4
OTHER = "(other)"
PERCENT_UNIT = Decimal("0.1")


class Dimension(IntEnum):
    """Values match costgrid.budgets.v1.RootCauseDimension."""

    SERVICE = 1
    ACCOUNT = 2
    REGION = 3


@dataclass(frozen=True)
class RootCause:
    dimension: Dimension
    key: str
    label: str
    impact: Decimal
    contribution_percent: Decimal
    actual: Decimal | None = None  # the part's spend that day (None on older anomalies)


Part = tuple[str, str]  # (service, region)


def rank(
    today: dict[Part, Decimal],
    same_weekdays: dict[Part, list[Decimal]],
    account: tuple[str, str],
    by_service: bool,
    impact: tuple[Decimal, Decimal],
) -> list[RootCause]:
    """`today`: the day's amount per part; `same_weekdays`: each part's amounts on the same
    weekday in each earlier week, all lists the same length (0 where it had none);
    `account`: (id, name) of the series; `impact`: the anomaly's impact and the currency's
    minor unit, which contributions are rounded to."""
    amount, unit = impact
    total = sum(today.values(), start=Decimal(0))
    causes = [RootCause(Dimension.ACCOUNT, account[0], account[1], amount, Decimal("100.0"), total)]
    dims = [(Dimension.REGION, 1)] + ([(Dimension.SERVICE, 0)] if by_service else [])
    for dimension, index in dims:
        rose = {k: v for k, v in _rises(today, same_weekdays, index).items() if v > 0}
        if rose:
            spent = {k: v for k, v in _spent(today, index).items() if k in rose}
            causes += _shares(dimension, _folded(rose), amount, unit, spent)
    order = {Dimension.ACCOUNT: 0, Dimension.SERVICE: 1, Dimension.REGION: 2}
    causes.sort(
        key=lambda c: (
            -c.contribution_percent,
            order[c.dimension],
            c.key == OTHER,
            -c.impact,
            c.key,
        )
    )
    return causes


def _rises(
    today: dict[Part, Decimal], same_weekdays: dict[Part, list[Decimal]], index: int
) -> dict[str, Decimal]:
    actual: dict[str, Decimal] = defaultdict(Decimal)
    weekly: dict[str, list[Decimal]] = {}
    for part, amount in today.items():
        actual[part[index]] += amount
    for part, amounts in same_weekdays.items():
        sums = weekly.setdefault(part[index], [Decimal(0)] * len(amounts))
        weekly[part[index]] = [a + b for a, b in zip(sums, amounts, strict=True)]
    return {
        key: actual[key] - (median(weekly[key]) if weekly.get(key) else Decimal(0))
        for key in set(actual) | set(weekly)
    }


def _spent(today: dict[Part, Decimal], index: int) -> dict[str, Decimal]:
    spent: dict[str, Decimal] = defaultdict(Decimal)
    for part, amount in today.items():
        spent[part[index]] += amount
    return spent


def _folded(rose: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
    """Largest rise first (ties by key); past MAX_PARTS, the tail as one OTHER part."""
    ranked = sorted(rose.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) <= MAX_PARTS:
        return ranked
    head, tail = ranked[: MAX_PARTS - 1], ranked[MAX_PARTS - 1 :]
    return [*head, (OTHER, sum((v for _, v in tail), start=Decimal(0)))]


def _shares(
    dimension: Dimension,
    parts: list[tuple[str, Decimal]],
    impact: Decimal,
    unit: Decimal,
    spent: dict[str, Decimal],
) -> list[RootCause]:
    """`spent`: what each part that rose cost that day; OTHER's is what the folded ones cost."""
    weights = [v for _, v in parts]
    amounts = allocate(impact, weights, unit)
    percents = allocate(Decimal("100.0"), weights, PERCENT_UNIT)
    named = {key for key, _ in parts if key != OTHER}
    rest = sum((v for k, v in spent.items() if k not in named), start=Decimal(0))
    return [
        RootCause(dimension, key, _label(key), a, p, rest if key == OTHER else spent[key])
        for (key, _), a, p in zip(parts, amounts, percents, strict=True)
    ]


def _label(key: str) -> str:
    return key or "(global)"
