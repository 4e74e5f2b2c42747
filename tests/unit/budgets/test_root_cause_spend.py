"""Root causes carry what each part cost that day, beside its rise over its usual level."""

from decimal import Decimal

from services.budgets.domain.root_causes import Dimension, rank


def test_each_cause_carries_its_spend_that_day() -> None:
    today = {("EC2", "us-east-1"): Decimal(100), ("EC2", "eu"): Decimal(250)}
    usual = {("EC2", "us-east-1"): [Decimal(100)] * 4, ("EC2", "eu"): [Decimal(50)] * 4}

    causes = rank(today, usual, ("7", "Prod"), True, (Decimal(190), Decimal("0.01")))

    assert [(c.dimension, c.key, c.actual, c.impact) for c in causes] == [
        (Dimension.ACCOUNT, "7", Decimal(350), Decimal(190)),
        (Dimension.SERVICE, "EC2", Decimal(350), Decimal(190)),
        (Dimension.REGION, "eu", Decimal(250), Decimal(190)),
    ]


def test_the_folded_rest_carries_what_the_folded_parts_cost() -> None:
    services = {f"s{i}": Decimal(10 + i) for i in range(6)}
    today = {(s, "r"): amount for s, amount in services.items()}
    usual = {(s, "r"): [Decimal(0)] * 4 for s in services}

    causes = rank(today, usual, ("7", "Prod"), True, (Decimal(75), Decimal("0.01")))

    spent = {c.key: c.actual for c in causes if c.dimension == Dimension.SERVICE}
    assert spent == {"s5": 15, "s4": 14, "s3": 13, "(other)": 10 + 11 + 12}
