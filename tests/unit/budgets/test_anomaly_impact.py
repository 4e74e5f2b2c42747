"""One anomaly impact, actual minus expected, which the root causes share out exactly."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.budgets.domain.allocation import allocate
from services.budgets.domain.anomaly import DEFAULT_THRESHOLDS, ExpectedRange, Severity, judge
from services.budgets.domain.root_causes import OTHER, Dimension, rank

CENT = Decimal("0.01")


def test_impact_is_actual_minus_the_expected_amount():
    verdict = judge(Decimal("300.30"), ExpectedRange(100.0, 90.0, 110.0), DEFAULT_THRESHOLDS, CENT)

    assert verdict is not None
    assert (verdict.impact, verdict.impact_percent) == (Decimal("200.30"), Decimal("200.3"))
    assert verdict.severity == Severity.HIGH


def test_within_the_expected_range_is_no_anomaly_whatever_the_impact():
    assert (
        judge(Decimal("110"), ExpectedRange(100.0, 90.0, 110.0), DEFAULT_THRESHOLDS, CENT) is None
    )


def test_root_causes_share_the_anomaly_impact_exactly_and_skip_what_fell():
    today = {
        ("EC2", "us-east-1"): Decimal(100),
        ("EC2", "eu"): Decimal(250),
        ("S3", "eu"): Decimal(5),
        ("RDS", "ap"): Decimal("33.3"),
    }
    usual = {
        ("EC2", "us-east-1"): [Decimal(100)] * 4,
        ("EC2", "eu"): [Decimal(50)] * 4,
        ("S3", "eu"): [Decimal(20)] * 4,
        ("RDS", "ap"): [Decimal(0)] * 4,
    }
    causes = rank(today, usual, ("7", "Prod"), True, (Decimal("89.36"), CENT))

    account = [c for c in causes if c.dimension == Dimension.ACCOUNT]
    assert [(c.impact, c.contribution_percent) for c in account] == [
        (Decimal("89.36"), Decimal("100.0"))
    ]
    for dimension in (Dimension.SERVICE, Dimension.REGION):
        parts = [c for c in causes if c.dimension == dimension]
        assert sum(c.impact for c in parts) == Decimal("89.36")
        assert sum(c.contribution_percent for c in parts) == Decimal("100.0")
    services = {c.key: c.impact for c in causes if c.dimension == Dimension.SERVICE}
    # Rises EC2 200 and RDS 33.3 (S3 fell): 89.36 x 200/233.3 and the rest.
    assert services == {"EC2": Decimal("76.61"), "RDS": Decimal("12.75")}


def test_many_parts_fold_their_tail_into_one_other_cause_that_keeps_the_sum():
    today = {(f"svc{i}", ""): Decimal(10 + i) for i in range(8)}
    usual = {part: [Decimal(0)] * 2 for part in today}
    causes = rank(today, usual, ("7", "Prod"), True, (Decimal("100"), CENT))

    services = [c for c in causes if c.dimension == Dimension.SERVICE]
    assert [c.key for c in services] == ["(other)", "svc7", "svc6", "svc5"]
    assert services[0].key == OTHER and sum(c.impact for c in services) == Decimal("100")


@given(
    st.decimals(Decimal("0.01"), Decimal("1000000"), places=4),
    st.lists(st.decimals(Decimal("0.001"), Decimal("10000"), places=3), min_size=1, max_size=12),
)
def test_allocated_parts_always_add_up_to_the_total(total, weights):
    parts = allocate(total, weights, CENT)

    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    whole = sum(weights)
    # A unit off its exact share at most, plus the residue finer than a unit on the largest.
    assert all(abs(p - total * w / whole) < 2 * CENT for p, w in zip(parts, weights, strict=True))


def test_allocation_is_deterministic_with_ties_going_to_the_first():
    assert allocate(Decimal("1.00"), [Decimal(1)] * 3, CENT) == [
        Decimal("0.34"),
        Decimal("0.33"),
        Decimal("0.33"),
    ]
