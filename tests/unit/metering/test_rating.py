"""Rating a period: compute by span, prorated base fee and allowances, overage policies, credits."""

from decimal import Decimal

from services.metering.domain.meters import DEFAULT_RATES
from services.metering.domain.periods import DAY, period_bounds
from services.metering.domain.pricing import BookVersion, PlanTerms, rate_spans, windows_of
from services.metering.domain.rating import CreditBalance, Usage, rate_period
from services.metering.domain.statement import statement_lines

SEPT = period_bounds("2026-09")  # 30 days
BOOK = BookVersion("default", 1, 0, "GBP", dict(DEFAULT_RATES))
SMALL = PlanTerms(
    1, "small", "default", metrics_allowance=1000, logs_allowance=10**9, base_fee=Decimal(100)
)
LARGE = PlanTerms(
    2, "large", "default", metrics_allowance=3000, logs_allowance=3 * 10**9, base_fee=Decimal(200)
)


def _rate(windows, usage, allowed=True, credits=(), books=None):
    spans = rate_spans(*SEPT, windows_of(windows), books or {"default": [BOOK]})
    return rate_period(
        SEPT, SEPT[1], spans, usage, currency="GBP", overage_allowed=allowed, credits=credits
    )


def _usage(**kwargs):
    return Usage(segments=kwargs.pop("segments", {}), tails=kwargs.pop("tails", []), **kwargs)


def test_seed_example_costs_0_2276():
    hour = 3600
    usage = _usage(
        segments={
            ("cpu", SEPT[0]): Decimal(4 * hour),
            ("memory", SEPT[0]): Decimal(16 * hour),
            ("storage", SEPT[0]): Decimal(100 * hour),
        }
    )
    assert _rate([(SEPT[0], PlanTerms(3, "free", "default", 0, 0))], usage).total == Decimal(
        "0.2276"
    )


def test_mid_period_plan_change_prorates_base_fee_and_allowances():
    half = SEPT[0] + 15 * DAY
    charges = _rate([(SEPT[0], SMALL), (half, LARGE)], _usage())
    assert charges.base_fee == Decimal(150)
    assert charges.allowances["metrics_series"].allowance == Decimal(2000)
    assert charges.allowances["logs_bytes"].allowance == Decimal(2 * 10**9)


def test_compute_is_rated_per_plan_window():
    half = SEPT[0] + 15 * DAY
    cheap = BookVersion("cheap", 1, 0, "GBP", {**DEFAULT_RATES, "cpu": Decimal("0.010")})
    large = PlanTerms(2, "large", "cheap", 0, 0)
    usage = _usage(tails=[("cpu", SEPT[0], Decimal(1))])
    charges = _rate(
        [(SEPT[0], PlanTerms(1, "s", "default", 0, 0)), (half, large)],
        usage,
        books={"default": [BOOK], "cheap": [cheap]},
    )
    assert [line.amount for line in charges.compute] == [Decimal("10.8"), Decimal("3.6")]


def test_allowed_overage_bills_the_excess_at_the_flat_rate():
    usage = _usage(metrics_p95=Decimal(1100), logs_bytes=Decimal(3 * 10**9))
    charges = _rate([(SEPT[0], SMALL)], usage)
    assert charges.metrics_overage.amount == Decimal("0.3")  # 100 series x 0.003
    assert charges.logs_overage.amount == Decimal("0.6")  # 2 GB x 0.30


def test_enforced_overage_bills_nothing_beyond_the_plan():
    usage = _usage(metrics_p95=Decimal(1100), logs_bytes=Decimal(3 * 10**9))
    charges = _rate([(SEPT[0], SMALL)], usage, allowed=False)
    assert charges.metrics_overage.amount == charges.logs_overage.amount == 0
    assert charges.allowances["metrics_series"].reached


def test_credits_reduce_the_total_but_never_below_zero():
    credits = [CreditBalance(1, Decimal(60), "outage"), CreditBalance(2, Decimal(80))]
    charges = _rate([(SEPT[0], SMALL)], _usage(), credits=credits)
    assert charges.total == 0
    assert [applied for _, applied in charges.credits] == [Decimal(60), Decimal(40)]


def test_statement_lines_add_up_to_the_total():
    usage = _usage(tails=[("memory", SEPT[0], Decimal(8))], logs_bytes=Decimal(2 * 10**9))
    charges = _rate([(SEPT[0], SMALL)], usage, credits=[CreditBalance(1, Decimal(5))])
    lines = statement_lines(charges)
    assert sum(Decimal(line["amount"]) for line in lines) == charges.total
    assert [line["category"] for line in lines] == ["BASE_FEE", "MEMORY", "LOGS_OVERAGE", "CREDITS"]


def test_a_tenant_starting_mid_period_gets_a_share_of_the_allowance():
    charges = _rate([(SEPT[0] + 20 * DAY, SMALL)], _usage())
    assert charges.allowances["metrics_series"].allowance == Decimal("333.3333333333")
