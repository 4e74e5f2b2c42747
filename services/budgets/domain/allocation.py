"""Splitting an exact amount in proportion to weights, so that the parts add up to it."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal


def allocate(total: Decimal, weights: list[Decimal], unit: Decimal) -> list[Decimal]:
    """`total` split by positive `weights` in multiples of `unit` (largest remainders get
    the leftover units, earlier weights first on ties); any part of `total` finer than
    `unit` goes to the largest weight. The parts always sum to `total` exactly."""
    whole = sum(weights, start=Decimal(0))
    exact = [total * w / whole for w in weights]
    parts = [(e / unit).to_integral_value(ROUND_FLOOR) * unit for e in exact]
    spare = int((total - sum(parts, start=Decimal(0))) / unit)
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:spare]:
        parts[i] += unit
    largest = max(range(len(parts)), key=lambda i: (weights[i], -i))
    parts[largest] += total - sum(parts, start=Decimal(0))
    return parts
