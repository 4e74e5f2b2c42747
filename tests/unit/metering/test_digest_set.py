"""The set of applied-id digests: exact membership through every way it grows."""

import numpy as np
import pytest

from services.metering.domain import digests
from services.metering.domain.digests import Digests, DigestSet, Loading


def _ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{i}" for i in range(count)]


def test_membership_holds_through_recent_merges_and_chunks(monkeypatch):
    monkeypatch.setattr(digests, "_MIN_RECENT", 64)  # merge into the shards often
    held, added = DigestSet(), []
    held.add(Digests.of(_ids("chunk", 5000)))  # a loaded chunk: straight into the shards
    added += _ids("chunk", 5000)
    for batch in range(40):  # batches: the recent part, merged as it outgrows its limit
        ids = _ids(f"batch{batch}", 97)
        held.add(Digests.of(ids))
        added += ids
    assert len(held) == len(added)
    assert held.contains(Digests.of(added)).all()
    others = [*_ids("never", 3000), "chunk-5000", "batch40-0", ""]
    assert not held.contains(Digests.of(others)).any()
    mixed = [added[7], others[0], added[-1], others[1]]
    assert held.contains(Digests.of(mixed)).tolist() == [True, False, True, False]
    assert held.isdisjoint(Digests.of(others)) and not held.isdisjoint(Digests.of(mixed))


def test_a_set_loaded_in_parts_holds_what_one_grown_by_adding_holds():
    parts = [_ids(f"row{row}", 2000 + row) for row in range(12)]
    loading, grown = Loading(expected=100), DigestSet()  # far fewer: shards outgrow their room
    for ids in parts:
        loading.add(Digests.of(ids))
        grown.add(Digests.of(ids))
    loaded = loading.done()
    every = [i for ids in parts for i in ids]
    assert len(loaded) == len(grown) == len(every)
    assert loaded.nbytes == 12 * len(every)
    assert loaded.contains(Digests.of(every)).all()
    assert not loaded.contains(Digests.of(_ids("row12", 2000))).any()
    loaded.add(Digests.of(["later"]))  # a loaded set grows like any other
    assert loaded.contains(Digests.of(["later", "row0-0", "nope"])).tolist() == [1, 1, 0]


def test_twelve_bytes_per_id():
    held = DigestSet()
    for _ in range(8):
        held.add(Digests.of(_ids(str(np.random.randint(1 << 60)), 100_000)))
    assert held.nbytes == 12 * len(held)  # vs ~110-170 bytes per id as a set of str


def test_equal_high_halves_are_told_apart_by_the_low_ones():
    """A 64-bit match of the high halves (one pair in ~2**64) must not pass for the id."""
    hi = np.array([5, 5, 5, 9], np.uint64)
    held = DigestSet()
    held.add(Digests(hi, np.array([1, 2, 3, 4], np.uint32)))
    queries = Digests(np.array([5, 5, 5, 9, 9], np.uint64), np.array([3, 1, 7, 4, 1], np.uint32))
    assert held.contains(queries).tolist() == [True, True, False, True, False]


def test_digests_are_keyed_even_without_hash_randomization(monkeypatch):
    """With PYTHONHASHSEED fixed the str hash is known: keyed blake2b takes over."""
    ids = _ids("id", 1000)
    randomized = Digests.of(ids)

    class Flags:
        hash_randomization = 0

    monkeypatch.setattr(digests.sys, "flags", Flags)
    keyed = Digests.of(ids)
    assert keyed.hi.dtype == np.uint64 and len(keyed) == 1000
    assert len(set(zip(keyed.hi.tolist(), keyed.lo.tolist(), strict=True))) == 1000
    assert keyed.hi.tolist() != randomized.hi.tolist()
    held = DigestSet()
    held.add(keyed)
    assert held.contains(Digests.of(ids)).all()


@pytest.mark.parametrize("count", [0, 1])
def test_small_and_empty(count):
    held = DigestSet()
    held.add(Digests.of(_ids("x", count)))
    assert len(held) == count
    assert held.contains(Digests.of(["x-0"])).tolist() == [count == 1]
    assert held.contains(Digests.empty()).tolist() == []


def test_what_came_since_a_number_of_adds_is_checked_alone():
    held = DigestSet()
    held.add(Digests.of(_ids("old", 1000)))
    adds = held.adds
    assert held.isdisjoint_since(adds, Digests.of(_ids("old", 10))) is True  # nothing since
    held.add(Digests.of(["new-1", "new-2"]))
    held.add(Digests.of(["new-3"]))
    assert held.isdisjoint_since(adds, Digests.of(["new-3", "other"])) is False
    assert (
        held.isdisjoint_since(adds, Digests.of(["old-1", "other"])) is True
    )  # before: not looked at
    assert held.isdisjoint_since(adds + 1, Digests.of(["new-1"])) is True
    for i in range(digests._KEEP_LATEST):
        held.add(Digests.of([f"more-{i}"]))
    assert held.isdisjoint_since(adds, Digests.of(["new-3"])) is None  # too far back to tell
    assert held.isdisjoint_since(held.adds + 1, Digests.of(["new-3"])) is None
