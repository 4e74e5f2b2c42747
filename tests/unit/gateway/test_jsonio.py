"""Amounts leave and enter the gateway as exact decimals, digit for digit."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.gateway.http.jsonio import DecimalJSONResponse, dumps, loads


def test_provider_precision_is_written_digit_for_digit() -> None:
    body = DecimalJSONResponse({"a": Decimal("0.00000080000"), "b": Decimal("18.00663861840")}).body
    assert body == b'{"a":0.00000080000,"b":18.00663861840}'


def test_request_numbers_are_read_as_decimals_not_floats() -> None:
    assert loads(b'{"amount": 18.00663861840123456789}') == {
        "amount": Decimal("18.00663861840123456789")
    }


@given(st.decimals(allow_nan=False, allow_infinity=False, places=11))
def test_any_finite_decimal_round_trips_exactly(value: Decimal) -> None:
    assert loads(dumps({"v": value}))["v"] == value


def test_strings_nested_values_and_literals_are_plain_json() -> None:
    text = dumps({"s": 'a"b\n', "l": [1, None, True, False], "d": {"x": Decimal("-1.50")}})
    assert text == '{"s":"a\\"b\\n","l":[1,null,true,false],"d":{"x":-1.50}}'


@pytest.mark.parametrize("body", [b"NaN", b'{"a": Infinity}', b"\xff\xfe", b"[" * 100_000])
def test_bad_json_is_a_decode_error_not_a_crash(body: bytes) -> None:
    import json

    with pytest.raises(json.JSONDecodeError):
        loads(body)
