"""The event ids already applied, per (organization, period), held in memory beside the ledger.

Checking ids in memory costs a fraction of a microsecond each; an indexed row per event cost
the database ~7 us of a core, more than the rest of ingest together. The ledger stays the
truth: a period's set is loaded from it on first use and brought up to date (rows past the last
seq read) every time usage is applied, under the organization's usage lock, so other writers
(other processes, other replicas) are seen before any id is judged. A writer adds its own ids
only after its transaction committed: a rolled-back batch leaves nothing behind.

Memory: ids are held as 12-byte digests (domain/digests.py), about 13 bytes per id of the
periods in use; a period not used for `idle_seconds` is dropped and reloaded when an event for
it arrives. A load reads the ledger a row at a time, so it never holds the period's ids as
text, nor its set twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import asyncpg

from services.metering.domain.digests import Digests, DigestSet, Loading
from services.metering.repository import ledger


@dataclass
class _Org:
    seq: int = 0  # every ledger row up to here is in `periods` (for the periods loaded)
    periods: dict[str, DigestSet] = field(default_factory=dict)
    used: dict[str, float] = field(default_factory=dict)


class SeenIds:
    def __init__(self, idle_seconds: float = 3600.0) -> None:
        self._orgs: dict[str, _Org] = {}
        self._idle = idle_seconds

    async def load(
        self, conn: asyncpg.Connection, org: str, periods: Iterable[str]
    ) -> dict[str, DigestSet]:
        """The applied ids of each period. Call with the organization's usage lock held."""
        state = self._orgs.get(org)
        if state is None:
            state = self._orgs[org] = _Org(seq=await ledger.last_seq(conn, org))
        now = time.monotonic()
        # Idle periods go before anything loads: a reload never holds an old copy beside it.
        for period, used in list(state.used.items()):
            if now - used > self._idle:
                del state.periods[period], state.used[period]
        for seq, period, ids in await ledger.since(conn, org, state.seq):
            targets = state.periods.values() if period is None else [state.periods.get(period)]
            keys = Digests.of(ids.split("\n"))
            for target in targets:
                if target is not None:
                    target.add(keys)
            state.seq = seq
        found = {}
        for period in periods:
            if period not in state.periods:
                state.periods[period] = await _load_period(conn, org, period, state.seq)
            state.used[period] = now
            found[period] = state.periods[period]
        return found

    def known(self, org: str, periods: Iterable[str]) -> dict[str, DigestSet]:
        """What is in memory now, without the database: may miss other writers' latest ids."""
        state = self._orgs.get(org)
        loaded = state.periods if state is not None else {}
        return {period: loaded[period] if period in loaded else DigestSet() for period in periods}

    def committed(self, org: str, written: dict[str, int], keys: dict[str, Digests]) -> None:
        """After the transaction that wrote ledger rows `written` (period -> seq) committed;
        `keys`: the digests of the ids those rows hold, per period."""
        state = self._orgs.get(org)
        if state is None:
            return
        for period in written:
            target = state.periods.get(period)
            if target is not None:
                target.add(keys[period])
        # Nobody else wrote between our load and our rows: the usage lock was held throughout.
        state.seq = max(state.seq, *written.values())


async def _load_period(conn: asyncpg.Connection, org: str, period: str, upto: int) -> DigestSet:
    loading = Loading(await ledger.count_period_ids(conn, org, period, upto))
    async for ids in ledger.period_ids(conn, org, period, upto):
        loading.add(Digests.of(ids))
    return loading.done()
