"""Partial rollups of FOCUS batches, summed in Arrow across batches and handed over rarely.

Per-batch partials held almost as many rows as the batch itself (a day's service, region and
tags seldom repeat within 8k rows) and cost a Python pass and a COPY each. Here each batch's
key columns are kept, grouped once enough have gathered, and the groups are re-grouped with
the next ones; they become partial rows (`batch_partials` of sync/rollups.py, which groups them
again, sums being sums) only when the groups outgrow `limit` or the import ends. Memory stays
within a few times `limit` rows whatever the size of the import.
"""

from __future__ import annotations

import pyarrow as pa

from services.ingest.sync.rollups import ROLLUP_KEYS, RollupRow, TagRow, batch_partials

GROUP_KEYS = [*ROLLUP_KEYS, "tags"]
COLUMNS = [*GROUP_KEYS, "billed_cost", "provisional"]
# Groups held before they are handed over: ~130 bytes each in Arrow.
LIMIT_ROWS = 50_000
# Rows gathered before grouping: grouping costs per call as well as per row.
GATHER_ROWS = 65_536


class PartialSums:
    def __init__(
        self, account_provider: str, limit: int = LIMIT_ROWS, gather: int = GATHER_ROWS
    ) -> None:
        self._account_provider = account_provider
        self._limit = limit
        self._gather = gather
        self._grouped: pa.Table | None = None
        self._gathered: list[pa.Table] = []
        self._gathered_rows = 0

    def add(self, table: pa.Table) -> None:
        """`table` as batch_partials takes it (its other columns are ignored)."""
        self._gathered.append(table.select(COLUMNS))
        self._gathered_rows += table.num_rows
        if self._gathered_rows >= max(self._gather, self._grouped_rows):
            self._group()

    @property
    def full(self) -> bool:
        return self._grouped_rows >= self._limit

    @property
    def empty(self) -> bool:
        return self._grouped is None and not self._gathered

    def take(self) -> tuple[list[RollupRow], list[TagRow]]:
        self._group()
        grouped, self._grouped = self._grouped, None
        if grouped is None:
            return [], []
        return batch_partials(grouped, self._account_provider)

    @property
    def _grouped_rows(self) -> int:
        return 0 if self._grouped is None else self._grouped.num_rows

    def _group(self) -> None:
        if not self._gathered:
            return
        parts = [self._grouped] if self._grouped is not None else []
        table = pa.concat_tables([*parts, *self._gathered])
        self._gathered, self._gathered_rows = [], 0
        sums = table.group_by(GROUP_KEYS, use_threads=False).aggregate(
            [("billed_cost", "sum"), ("provisional", "any")]
        )
        self._grouped = pa.table(
            {
                **{key: sums.column(key) for key in GROUP_KEYS},
                "billed_cost": sums.column("billed_cost_sum"),
                "provisional": sums.column("provisional_any"),
            }
        ).cast(table.schema)
