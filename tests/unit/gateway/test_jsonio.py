"""Amounts leave and enter the gateway as exact decimals, digit for digit."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.gateway.http.jsonio import DecimalJSONResponse, dumps, loads


def test_provider_precision_is_written_digit_for_digit() -> None:
    body = DecimalJSONResponse({"a": Decimal("0.00000080001"), "b": Decimal("18.00663861841")}).body
    assert body == b'{"a":0.00000080001,"b":18.00663861841}'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("4590.656080000000", "4590.65608"),
        ("0.00000080000", "0.0000008"),
        ("100", "100"),
        ("1E+2", "100"),
        ("0.000", "0"),
        ("-0", "0"),
        ("1E-20", "0.00000000000000000001"),
        ("12345678901234567890123456789012.50", "12345678901234567890123456789012.5"),
    ],
)
def test_amounts_are_written_without_padded_zeros_or_exponents(value: str, written: str) -> None:
    assert dumps(Decimal(value)) == written


def test_request_numbers_are_read_as_decimals_not_floats() -> None:
    assert loads(b'{"amount": 18.00663861840123456789}') == {
        "amount": Decimal("18.00663861840123456789")
    }


@given(st.decimals(allow_nan=False, allow_infinity=False, places=11))
def test_any_finite_decimal_round_trips_exactly(value: Decimal) -> None:
    assert loads(dumps({"v": value}))["v"] == value


def test_strings_nested_values_and_literals_are_plain_json() -> None:
    text = dumps({"s": 'a"b\n', "l": [1, None, True, False], "d": {"x": Decimal("-1.50")}})
    assert text == '{"s":"a\\"b\\n","l":[1,null,true,false],"d":{"x":-1.5}}'


@pytest.mark.parametrize("body", [b"NaN", b'{"a": Infinity}', b"\xff\xfe", b"[" * 100_000])
def test_bad_json_is_a_decode_error_not_a_crash(body: bytes) -> None:
    import json

    with pytest.raises(json.JSONDecodeError):
        loads(body)
