"""Advisory-lock keys: 64-bit, stable, and different for different names."""

from __future__ import annotations

import hashlib

from services.common.locks import lock_key


def test_a_key_is_a_signed_64_bit_integer_and_stable():
    key = lock_key("metering", "org-a", "tenant-1")
    assert -(2**63) <= key < 2**63
    assert key == lock_key("metering", "org-a", "tenant-1")


def test_the_name_is_namespace_then_parts_so_metering_keeps_its_keys():
    digest = hashlib.blake2b(b"metering:org-a/tenant-1", digest_size=8).digest()
    assert lock_key("metering", "org-a", "tenant-1") == int.from_bytes(digest, "big", signed=True)


def test_different_names_get_different_keys():
    keys = {
        lock_key("metering", "org-a", "t"),
        lock_key("metering", "org-b", "t"),
        lock_key("metering-usage", "org-a"),
        lock_key("migrate", "ingest"),
        lock_key("migrate", "budgets"),
        lock_key("costgrid-provisioning"),
    }
    assert len(keys) == 6
