from decimal import Decimal

from services.metering.repository.usage import _text


def test_equal_quantities_with_other_exponents_keep_their_own_digits():
    one, one_point_zero = Decimal("1"), Decimal("1.0")
    assert one == one_point_zero
    assert [_text(one), _text(one_point_zero), _text(one), _text(Decimal("1E+3"))] == [
        "1",
        "1.0",
        "1",
        "1E+3",
    ]
    assert Decimal(_text(Decimal("0.000116"))) == Decimal("0.000116")
