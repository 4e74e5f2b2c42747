"""A row of block characters tracing a series, for trends in a table cell."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[Decimal]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return BARS[0] * len(values)
    steps = len(BARS) - 1
    return "".join(BARS[int((v - low) * steps / (high - low))] for v in values)
