"""What drove an anomaly: each service's and region's rise over its own usual level that day.

"Usual" is the median of the same weekday over the trailing weeks, so a part that always
peaks on Mondays is not blamed for a Monday. Contributions are shares of the whole series'
rise over its usual level, largest first; parts that fell are not causes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from statistics import median

MAX_CAUSES = 10


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


Part = tuple[str, str]  # (service, region)


def rank(
    today: dict[Part, Decimal],
    same_weekdays: dict[Part, list[Decimal]],
    account: tuple[str, str],
    by_service: bool,
) -> list[RootCause]:
    """`today`: the day's amount per part; `same_weekdays`: each part's amounts on the same
    weekday in each earlier week, all lists the same length (0 where it had none);
    `account`: (id, name) of the series."""
    rises: dict[tuple[Dimension, str], Decimal] = defaultdict(Decimal)
    dims = [(Dimension.REGION, 1)] + ([(Dimension.SERVICE, 0)] if by_service else [])
    for dimension, index in dims:
        actual: dict[str, Decimal] = defaultdict(Decimal)
        weekly: dict[str, list[Decimal]] = {}
        for part, amount in today.items():
            actual[part[index]] += amount
        for part, amounts in same_weekdays.items():
            sums = weekly.setdefault(part[index], [Decimal(0)] * len(amounts))
            weekly[part[index]] = [a + b for a, b in zip(sums, amounts, strict=True)]
        for key in set(actual) | set(weekly):
            usual = median(weekly[key]) if weekly.get(key) else Decimal(0)
            rises[(dimension, key)] = actual[key] - usual
    total_rise = sum((v for (d, _), v in rises.items() if d == Dimension.REGION), start=Decimal(0))
    if total_rise <= 0:
        return []
    causes = [_cause(Dimension.ACCOUNT, account[0], account[1], total_rise, total_rise)]
    for dimension, _ in dims:
        # Shares of what rose within the dimension: parts that fell do not offset them.
        rose = {key: v for (d, key), v in rises.items() if d == dimension and v > 0}
        whole = sum(rose.values(), start=Decimal(0))
        causes += [_cause(dimension, k, k or "(global)", v, whole) for k, v in rose.items()]
    order = {Dimension.ACCOUNT: 0, Dimension.SERVICE: 1, Dimension.REGION: 2}
    causes.sort(key=lambda c: (-c.contribution_percent, order[c.dimension], -c.impact, c.key))
    return causes[:MAX_CAUSES]


def _cause(dimension: Dimension, key: str, label: str, rise: Decimal, total: Decimal) -> RootCause:
    share = (rise / total * 100).quantize(Decimal("0.1"))
    return RootCause(dimension, key, label, rise, share)
