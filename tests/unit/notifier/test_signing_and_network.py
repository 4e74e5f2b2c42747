"""Webhook signatures, idempotency keys, and which addresses may be contacted."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.notifier.domain.network import AddressPolicy, BlockedDestination
from services.notifier.domain.signing import idempotency_key, signature, verify
from services.notifier.senders.guard import resolve_vetted


@given(st.binary(max_size=200), st.text(min_size=1, max_size=40))
def test_a_signature_verifies_and_any_change_to_the_body_breaks_it(body, secret):
    header = signature(secret, 1_700_000_000, body)
    assert verify(secret, "1700000000", body, header, now=1_700_000_010)
    assert not verify(secret, "1700000000", body + b"x", header, now=1_700_000_010)
    assert not verify(secret + "x", "1700000000", body, header, now=1_700_000_010)


def test_stale_timestamps_are_rejected():
    header = signature("s", 1000, b"{}")
    assert not verify("s", "1000", b"{}", header, now=2000)


def test_idempotency_key_is_stable_per_event_and_channel():
    assert idempotency_key("e1", 1) == idempotency_key("e1", 1)
    assert len({idempotency_key("e1", 1), idempotency_key("e1", 2), idempotency_key("e2", 1)}) == 3


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "fe80::1",
        "fd00::1",
        "100.64.0.1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused_by_default(address):
    assert AddressPolicy().refusal(address) is not None


def test_public_addresses_are_allowed():
    assert AddressPolicy().refusal("93.184.216.34") is None
    assert AddressPolicy().refusal("2606:2800:220:1:248:1893:25c8:1946") is None


def test_configured_cidrs_and_the_global_switch_allow_private_addresses():
    loopback = AddressPolicy.build(False, ["127.0.0.0/8"])
    assert loopback.refusal("127.0.0.1") is None
    assert loopback.refusal("10.0.0.1") is not None
    assert AddressPolicy.build(True, []).refusal("10.0.0.1") is None


async def test_a_refused_address_is_named_once_with_the_settings_that_allow_it():
    with pytest.raises(BlockedDestination) as refused:
        await resolve_vetted("127.0.0.1", 80, AddressPolicy())
    assert str(refused.value) == (
        "127.0.0.1 is a loopback address; private addresses are refused unless "
        'COSTGRID_NOTIFIER_ALLOWED_CIDRS includes it (e.g. ["127.0.0.1/32"]) or '
        "COSTGRID_NOTIFIER_ALLOW_PRIVATE_NETWORKS is true"
    )


async def test_a_refused_host_name_says_what_it_resolves_to():
    with pytest.raises(BlockedDestination, match=r"^localhost resolves to (127\.0\.0\.1|::1), "):
        await resolve_vetted("localhost", 80, AddressPolicy())
