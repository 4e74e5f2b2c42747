from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.errors import InvalidArgument
from services.common.money import CurrencyMismatch, Money, decimal_str, parse_decimal

amounts = st.decimals(
    min_value=Decimal("-1e9"),
    max_value=Decimal("1e9"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)


def test_money_refuses_a_float_amount():
    with pytest.raises(TypeError):
        Money(0.1, "USD")  # type: ignore[arg-type]


def test_adding_different_currencies_is_refused():
    with pytest.raises(CurrencyMismatch):
        Money(Decimal(1), "USD") + Money(Decimal(1), "GBP")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.345", "USD", "2.35"),
        ("2.344", "USD", "2.34"),
        ("-2.345", "USD", "-2.35"),
        ("0.5", "JPY", "1"),
        ("1.0005", "KWD", "1.001"),
    ],
)
def test_rounding_is_half_up_to_the_currency_minor_unit(amount, currency, expected):
    assert Money(Decimal(amount), currency).rounded().amount == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity", "", "1e"])
def test_bad_decimal_text_names_the_field(text):
    with pytest.raises(InvalidArgument) as caught:
        parse_decimal(text, "amount")
    assert caught.value.field == "amount"


def test_decimal_str_never_uses_exponent_notation():
    assert decimal_str(Decimal("1E-11")) == "0.00000000001"
    assert decimal_str(Decimal("18.00663861840")) == "18.00663861840"


@given(st.lists(amounts, min_size=1, max_size=20))
def test_sum_is_exact_and_order_independent(values):
    forward = sum((Money(v, "EUR") for v in values), Money.zero("EUR"))
    backward = sum((Money(v, "EUR") for v in reversed(values)), Money.zero("EUR"))
    assert forward == backward
    assert forward.amount == sum(values, Decimal(0))


@given(amounts)
def test_rounding_moves_at_most_half_a_minor_unit(value):
    rounded = Money(value, "USD").rounded().amount
    assert abs(rounded - value) <= Decimal("0.005")


def test_wire_form_keeps_every_digit():
    from services.common.money import money_proto

    wire = money_proto(Decimal("18.00663861840"), "USD")
    assert (wire.currency_code, wire.amount) == ("USD", "18.00663861840")
