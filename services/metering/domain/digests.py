"""Event ids as 12-byte digests, and a set of them that stays near 13 bytes per id.

A set of str ids cost ~130-170 bytes per id, held by every writer process for each period in
use: ~1.3 GB per process at 10M events in a month. Here an id is a 96-bit keyed hash of its
text (a 64-bit high part and a 32-bit low part), kept in sorted numpy arrays.

Collisions: a new id is taken for an applied one only if its whole digest matches one of the
period's n applied ids, so the chance that a period with n ids ever wrongly refuses an id is
below n**2 / 2**97 (6e-16 at 10M ids). The key is random per process, so no producer can
choose ids that collide, and the ledger keeps the exact ids: what was applied stays provable.
96 bits, not 128: at 10M ids the 4 bytes saved per id are 40 MB of a worker's 300 MB budget.

The hashes are CPython's own str hash (SipHash, keyed by the process's random secret), once
over the id and once over the id behind a prefix: about 0.1 us per id against ~0.6 us for
hashlib's blake2b. With hash randomization off (PYTHONHASHSEED set) that secret is known, so
keyed blake2b is used instead. Digests are never stored: each process makes its own from the
ledger's ids.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

_PREFIX = "\x00"  # ids are printable: a prefixed id is never another id
_KEY = os.urandom(16)
_PACKED = np.dtype([("hi", "<u8"), ("lo", "<u4")])


def _keyed_halves(ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    if sys.flags.hash_randomization:
        hi = np.fromiter(map(hash, ids), np.int64, len(ids))
        lo = np.fromiter(map(hash, map(_PREFIX.__add__, ids)), np.int64, len(ids))
        return hi.view(np.uint64), lo.astype(np.uint32)  # the low 32 bits
    blake2b = hashlib.blake2b
    packed = b"".join([blake2b(i.encode(), digest_size=12, key=_KEY).digest() for i in ids])
    halves = np.frombuffer(packed, _PACKED)
    return halves["hi"].copy(), halves["lo"].copy()


@dataclass(slots=True)
class Digests:
    """Digests of ids as parallel halves: digest i is (hi[i], lo[i])."""

    hi: np.ndarray  # uint64
    lo: np.ndarray  # uint32

    @classmethod
    def of(cls, ids: Sequence[str]) -> Digests:
        return cls(*_keyed_halves(ids))

    @classmethod
    def empty(cls) -> Digests:
        return cls(np.empty(0, np.uint64), np.empty(0, np.uint32))

    @classmethod
    def joined(cls, parts: Sequence[Digests]) -> Digests:
        return cls(np.concatenate([p.hi for p in parts]), np.concatenate([p.lo for p in parts]))

    def __len__(self) -> int:
        return len(self.hi)

    def take(self, at: np.ndarray | slice) -> Digests:
        return Digests(self.hi[at], self.lo[at])

    def sorted(self) -> Digests:
        """Ordered by the high half (all that lookups search on)."""
        return self.take(np.argsort(self.hi, kind="stable"))


_SHARD_BITS = 8
# First high half of each shard after the first: a shard holds one 1/256th of the hash space.
_SHARD_STARTS = np.arange(1, 1 << _SHARD_BITS, dtype=np.uint64) << np.uint64(64 - _SHARD_BITS)
_MIN_RECENT = 1 << 18
_KEEP_LATEST = 4  # the adds between a writer's sort and its turn: another writer's batch or two


class DigestSet:
    """A set of digests in sorted arrays: 12 bytes per digest, plus a recent part (at most
    1/16 of the rest, at least 256k) that is merged into the sorted shards when it outgrows
    that. Each merge copies one shard at a time, so growing never holds a second copy of the
    set; neither does loading (`Loading`).

    Adding a digest that is already there keeps both copies (harmless: callers add new ids).

    `adds` counts the calls to `add`, and the last few added parts are kept apart as well: a
    batch checked against the set a moment ago need only be checked against what came since
    (`isdisjoint_since`), a few thousand digests instead of millions.
    """

    def __init__(self) -> None:
        self._shards = [Digests.empty()] * (1 << _SHARD_BITS)  # each sorted by `hi`
        self._recent = Digests.empty()  # sorted by `hi`
        self._size = 0
        self.adds = 0
        self._latest: deque[Digests] = deque(maxlen=_KEEP_LATEST)  # the last adds, sorted

    def __len__(self) -> int:
        return self._size

    @property
    def nbytes(self) -> int:
        parts = [*self._shards, self._recent]
        return sum(p.hi.nbytes + p.lo.nbytes for p in parts)

    def add(self, new: Digests) -> None:
        if not len(new):
            return
        new = new.sorted()
        self._size += len(new)
        self.adds += 1
        self._latest.append(new)
        limit = max(_MIN_RECENT, self._size >> 4)
        self._recent = _merge(self._recent, new)
        if len(self._recent) > limit:
            recent, self._recent = self._recent, Digests.empty()
            self._into_shards(recent)

    def contains(self, queries: Digests) -> np.ndarray:
        """Per query (in the order given), whether the set holds it."""
        order = np.argsort(queries.hi)
        ordered = queries.take(order)
        found = _find(self._recent, ordered)
        for shard, part in _by_shard(ordered):
            if len(self._shards[shard]):
                found[part] |= _find(self._shards[shard], ordered.take(part))
        result = np.empty(len(found), bool)
        result[order] = found
        return result

    def isdisjoint(self, queries: Digests) -> bool:
        return not self.contains(queries).any()

    def isdisjoint_since(self, adds: int, queries: Digests) -> bool | None:
        """Whether nothing added after the set's first `adds` adds is among `queries`; None
        when those adds are too far back to tell (check the whole set then)."""
        behind = self.adds - adds
        if not 0 <= behind <= len(self._latest):
            return None
        later = list(self._latest)[len(self._latest) - behind :]
        return not any(_find(part, queries).any() for part in later)

    def _into_shards(self, new: Digests) -> None:
        """`new` sorted: each shard's part of it merged into that shard, one shard at a time."""
        for shard, part in _by_shard(new):
            self._shards[shard] = _merge(self._shards[shard], new.take(part))


class Loading:
    """A DigestSet built from parts (a ledger read row by row) in place: each shard's arrays
    are sized up front from the expected count, filled as parts come, and sorted at the end,
    one shard at a time, so a load never holds a second copy of the set."""

    def __init__(self, expected: int) -> None:
        mean = expected / (1 << _SHARD_BITS)
        room = int(mean + 8 * math.sqrt(mean)) + 64  # a shard's count is binomial: 8 sigma
        self._shards = [
            Digests(np.empty(room, np.uint64), np.empty(room, np.uint32))
            for _ in range(1 << _SHARD_BITS)
        ]
        self._filled = [0] * (1 << _SHARD_BITS)

    def add(self, new: Digests) -> None:
        new = new.sorted()
        for shard, part in _by_shard(new):
            room, start = self._shards[shard], self._filled[shard]
            stop = start + part.stop - part.start
            if stop > len(room):  # more than expected (8 sigma, or the count was low)
                grown = max(stop, 2 * len(room))
                room = self._shards[shard] = Digests(
                    np.resize(room.hi, grown), np.resize(room.lo, grown)
                )
            room.hi[start:stop], room.lo[start:stop] = new.hi[part], new.lo[part]
            self._filled[shard] = stop

    def done(self) -> DigestSet:
        built = DigestSet()
        for shard, room in enumerate(self._shards):
            filled = room.take(slice(0, self._filled[shard]))
            built._shards[shard] = filled.sorted()  # a fresh, exact-size copy
            self._shards[shard] = Digests.empty()
        built._size = sum(self._filled)
        return built


def _by_shard(ordered: Digests) -> Iterator[tuple[int, slice]]:
    """(shard, its slice of `ordered`) for each shard that `ordered` (sorted) has digests of."""
    bounds = [0, *np.searchsorted(ordered.hi, _SHARD_STARTS).tolist(), len(ordered)]
    for shard, (start, stop) in enumerate(itertools.pairwise(bounds)):
        if start < stop:
            yield shard, slice(start, stop)


def _merge(into: Digests, new: Digests) -> Digests:
    """Both sorted by `hi`: one sorted array holding both."""
    if not len(into):
        return Digests(new.hi.copy(), new.lo.copy())  # not a view of a larger array
    at = np.searchsorted(into.hi, new.hi)
    return Digests(np.insert(into.hi, at, new.hi), np.insert(into.lo, at, new.lo))


def _find(held: Digests, queries: Digests) -> np.ndarray:
    """Per query, whether sorted `held` has it."""
    if not len(held):
        return np.zeros(len(queries), bool)
    at = np.searchsorted(held.hi, queries.hi)
    inside = np.minimum(at, len(held) - 1)
    same_hi = held.hi[inside] == queries.hi
    found: np.ndarray = same_hi & (held.lo[inside] == queries.lo)
    # Ids whose high halves are equal but low ones differ (one pair in ~2**64 at random):
    # look along that run of equal high halves.
    for i in np.flatnonzero(same_hi & ~found).tolist():
        j = int(at[i]) + 1
        while j < len(held) and held.hi[j] == queries.hi[i]:
            if held.lo[j] == queries.lo[i]:
                found[i] = True
                break
            j += 1
    return found
