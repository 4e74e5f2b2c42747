"""The one table `make bench` prints: bench, size, figure, baseline, ratio, target, met.

Every benchmark returns `Row`s and hands them to `report`. Under the runner (`python -m
bench`) they are appended as JSON lines to the file given by `--rows-file`, and the runner
prints all of them as one table at the end; a benchmark run alone prints its own. `--size`
(`small`, `default`, `large`) picks the data sizes of every benchmark. Both travel as
arguments, not COSTGRID_* variables: services started by a benchmark refuse names they do
not read.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

SIZES = ("small", "default", "large")
COLUMNS = ("bench", "size", "figure", "baseline", "ratio", "target", "met")


def arguments(description: str | None = None, **options: object) -> argparse.ArgumentParser:
    """A benchmark's argument parser, knowing the runner's `--size` and `--rows-file`."""
    parser = argparse.ArgumentParser(description=description, **options)  # type: ignore[arg-type]
    parser.add_argument("--size", choices=SIZES, default="default", help="data sizes")
    parser.add_argument("--rows-file", type=Path, help=argparse.SUPPRESS)
    return parser


def _common() -> argparse.Namespace:
    return arguments(add_help=False).parse_known_args(sys.argv[1:])[0]


def size() -> str:
    """The `--size` this benchmark runs at, before its own arguments are parsed."""
    return str(_common().size)


@dataclass(frozen=True)
class Target:
    """A bound on the row's ratio (figure / baseline) or on its figure itself."""

    on: str  # "ratio" | "figure"
    low: float | None = None
    high: float | None = None

    def met(self, value: float | None) -> bool | None:
        if value is None or math.isnan(value):
            return None
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def describe(self, unit: str) -> str:
        suffix = f" {unit}" if self.on == "figure" and unit else ""
        if self.low is not None and self.high is not None:
            return f"{self.on} {_number(self.low)}-{_number(self.high)}{suffix}"
        if self.low is not None:
            return f"{self.on} >= {_number(self.low)}{suffix}"
        return f"{self.on} <= {_number(self.high)}{suffix}"


def at_least(value: float, on: str = "ratio") -> Target:
    return Target(on, low=value)


def at_most(value: float, on: str = "ratio") -> Target:
    return Target(on, high=value)


def between(low: float, high: float, on: str = "figure") -> Target:
    return Target(on, low=low, high=high)


@dataclass(frozen=True)
class Row:
    bench: str  # the benchmark and what is compared, e.g. "ingest_import: rows/s vs COPY"
    size: str
    figure: float
    unit: str = ""
    baseline: float | None = None  # in the figure's unit, measured in the same run
    target: Target | None = None
    error: str = ""  # the benchmark failed: no figure

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0 or math.isnan(self.figure):
            return None
        return self.figure / self.baseline

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.target.met(self.ratio if self.target.on == "ratio" else self.figure)

    def cells(self) -> tuple[str, ...]:
        if self.error:
            return (self.bench, self.size, "-", "-", "-", "-", self.error)
        verdict = {True: "yes", False: "NO", None: "-"}[self.met]
        return (
            self.bench,
            self.size,
            _with_unit(self.figure, self.unit),
            "-" if self.baseline is None else _with_unit(self.baseline, self.unit),
            "-" if self.ratio is None else _number(self.ratio),
            "-" if self.target is None else self.target.describe(self.unit),
            verdict,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, line: str) -> Row:
        values = json.loads(line)
        target = values.pop("target")
        return cls(**values, target=None if target is None else Target(**target))


def _number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _with_unit(value: float, unit: str) -> str:
    return f"{_number(value)} {unit}".rstrip()


def render(rows: list[Row]) -> str:
    lines = [COLUMNS, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]

    def fmt(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(COLUMNS), rule, *(fmt(cells) for cells in lines[1:])])


def report(rows: list[Row], rows_file: Path | None = None) -> None:
    """Hands the rows to the runner, or prints them when the benchmark runs alone."""
    target = rows_file or _common().rows_file
    if target:
        with Path(target).open("a") as handle:
            handle.writelines(row.to_json() + "\n" for row in rows)
    else:
        print(render(rows), flush=True)


def read(path: Path) -> list[Row]:
    if not path.exists():
        return []
    return [Row.from_json(line) for line in path.read_text().splitlines() if line.strip()]
