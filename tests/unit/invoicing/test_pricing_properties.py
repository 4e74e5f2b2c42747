"""Money on invoices: every line rounded half-up to the currency's minor unit, and the total
always the sum of the rounded lines, whatever the costs, markup and currency."""

from decimal import ROUND_FLOOR, Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.common.money import minor_units
from services.invoicing.domain.metering import StatementLine, statement_lines
from services.invoicing.domain.pricing import ServiceCost, cost_invoice_lines, total

CURRENCIES = st.sampled_from(["USD", "EUR", "JPY", "KWD"])
AMOUNTS = st.decimals(min_value=-10_000, max_value=1_000_000, places=6, allow_nan=False)
COSTS = st.lists(
    st.builds(ServiceCost, st.sampled_from(["EC2", "S3", "RDS", "Lambda", ""]), AMOUNTS),
    max_size=12,
)
PERCENTS = st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False)


def half_up(amount: Decimal, places: int) -> Decimal:
    """An independent half-up: away from zero at exactly half a minor unit."""
    scale = Decimal(10) ** places
    magnitude = (abs(amount) * scale + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)
    return (magnitude if amount >= 0 else -magnitude) / scale


@given(COSTS, PERCENTS, CURRENCIES)
def test_total_is_the_sum_of_lines_each_rounded_half_up(costs, percent, currency):
    lines = cost_invoice_lines(costs, percent, currency)
    places = minor_units(currency)

    assert total(lines) == sum((line.amount for line in lines), Decimal(0))
    for line in lines:
        assert line.amount == half_up(line.amount, places)
        assert line.amount != 0
    service_lines = [line for line in lines if line.category != "markup"]
    for line in service_lines:
        raw = sum((c.amount for c in costs if c.service == line.category), Decimal(0))
        assert line.amount == half_up(raw, places)


@given(COSTS, PERCENTS, CURRENCIES)
def test_markup_is_the_percent_of_the_rounded_subtotal(costs, percent, currency):
    lines = cost_invoice_lines(costs, percent, currency)
    subtotal = total(line for line in lines if line.category != "markup")
    markup = [line for line in lines if line.category == "markup"]
    expected = half_up(subtotal * percent / 100, minor_units(currency))

    assert sum((m.amount for m in markup), Decimal(0)) == expected


@given(
    st.lists(
        st.tuples(st.sampled_from(["cpu", "memory", "storage", "credits"]), AMOUNTS), max_size=8
    ),
    CURRENCIES,
)
def test_statement_lines_round_each_line_and_credits_stay_negative(lines, currency):
    result = statement_lines([StatementLine(c, "", a) for c, a in lines], currency)
    places = minor_units(currency)

    for (category, amount), line in zip(lines, result, strict=True):
        expected = half_up(amount, places)
        assert line.amount == (-abs(expected) if category == "credits" else expected)
    assert total(result) == sum((line.amount for line in result), Decimal(0))


def test_exact_halves_round_away_from_zero():
    lines = cost_invoice_lines(
        [ServiceCost("a", Decimal("0.125")), ServiceCost("b", Decimal("-0.005"))], Decimal(0), "USD"
    )
    assert [line.amount for line in lines] == [Decimal("0.13"), Decimal("-0.01")]
