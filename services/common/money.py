"""Money: exact decimals with a currency, never floats, rounded half-up to minor units."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from costgrid.common.v1 import money_pb2

from services.common.errors import InvalidArgument

# ISO 4217 currencies whose minor unit is not 2 digits.
_MINOR_UNITS = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}


class CurrencyMismatch(ValueError):
    pass


def minor_units(currency: str) -> int:
    return _MINOR_UNITS.get(currency, 2)


def parse_decimal(text: str, field: str) -> Decimal:
    """A caller's decimal string; rejects floats' cousins (NaN, Infinity) and junk."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError) as exc:
        raise InvalidArgument(field, f"'{text}' is not a decimal number") from exc
    if not value.is_finite():
        raise InvalidArgument(field, "must be a finite number")
    return value


def decimal_str(value: Decimal) -> str:
    """Plain notation, no exponent, trailing zeros kept as computed."""
    return format(value, "f")


def parse_currency(code: str, field: str = "currency_code") -> str:
    code = code.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise InvalidArgument(field, f"'{code}' is not an ISO 4217 currency code")
    return code


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money amount must be a Decimal, got {type(self.amount).__name__}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def parse(cls, amount: str, currency: str, field: str = "amount") -> Money:
        return cls(parse_decimal(amount, field), parse_currency(currency, f"{field}.currency_code"))

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def times(self, factor: Decimal) -> Money:
        return Money(self.amount * factor, self.currency)

    def rounded(self) -> Money:
        """Half-up to the currency's minor unit, as invoices require."""
        exponent = Decimal(1).scaleb(-minor_units(self.currency))
        return Money(self.amount.quantize(exponent, rounding=ROUND_HALF_UP), self.currency)

    def __str__(self) -> str:
        return f"{decimal_str(self.amount)} {self.currency}"


def money_proto(amount: Decimal, currency: str) -> money_pb2.Money:
    """The wire form: currency code and the exact decimal as text."""
    return money_pb2.Money(currency_code=currency, amount=decimal_str(amount))
