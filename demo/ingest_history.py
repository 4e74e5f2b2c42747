"""A generated multi-provider cost history for demos: deterministic, so re-seeding a day
gives the same figures (and replace semantics keep it exact).

Each service's daily cost = base x region share x growth^(days since the history began) x
weekly pattern x noise, with a few spikes. Everything is Decimal: the randomness only picks integers.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from services.ingest.domain.cost_items import CostLineItem, DateWindow

CENT_FRACTION = Decimal("0.000001")
WEEKEND = {5, 6}


@dataclass(frozen=True)
class Service:
    name: str
    category: str
    base: Decimal  # USD per day on the history's first day
    weekend: Decimal  # weekend factor: compute idles, storage does not


@dataclass(frozen=True)
class DemoAccount:
    key: str
    name: str
    provider: str
    provider_name: str
    sub_account: str
    growth: Decimal  # daily growth factor
    regions: tuple[tuple[str, Decimal], ...]
    services: tuple[Service, ...]
    tags: tuple[tuple[str, str], ...]


def _svc(name: str, category: str, base: str, weekend: str = "0.72") -> Service:
    return Service(name, category, Decimal(base), Decimal(weekend))


ACCOUNTS = (
    DemoAccount(
        "aws-prod",
        "Acme Production (AWS)",
        "AWS",
        "AWS",
        "111111111111",
        Decimal("1.0030"),
        (("us-east-1", Decimal("0.7")), ("eu-west-1", Decimal("0.3"))),
        (
            _svc("Amazon Elastic Compute Cloud", "Compute", "210"),
            _svc("Amazon Simple Storage Service", "Storage", "48", "0.98"),
            _svc("Amazon Relational Database Service", "Databases", "95", "0.95"),
            _svc("AWS Lambda", "Compute", "12", "0.6"),
            _svc("Amazon CloudFront", "Networking", "19", "0.8"),
        ),
        (("env", "prod"), ("team", "platform")),
    ),
    DemoAccount(
        "gcp-analytics",
        "Acme Analytics (GCP)",
        "GCP",
        "Google Cloud",
        "acme-analytics",
        Decimal("1.0020"),
        (("us-central1", Decimal("0.8")), ("europe-west1", Decimal("0.2"))),
        (
            _svc("Compute Engine", "Compute", "80"),
            _svc("BigQuery", "Analytics", "64", "0.5"),
            _svc("Cloud Storage", "Storage", "16", "0.99"),
        ),
        (("env", "prod"), ("team", "data")),
    ),
    DemoAccount(
        "azure-eu",
        "Acme Europe (Azure)",
        "AZURE",
        "Microsoft",
        "2f9b6c1e-0000-4000-8000-000000000001",
        Decimal("1.0015"),
        (("westeurope", Decimal("0.6")), ("northeurope", Decimal("0.4"))),
        (
            _svc("Virtual Machines", "Compute", "70"),
            _svc("Storage", "Storage", "13", "0.99"),
            _svc("Azure SQL Database", "Databases", "36", "0.9"),
        ),
        (("env", "staging"), ("team", "web")),
    ),
    DemoAccount(
        "do-side",
        "Acme Side Projects (DigitalOcean)",
        "DIGITALOCEAN",
        "DigitalOcean",
        "acme-do",
        Decimal("1.0010"),
        (("nyc3", Decimal("0.5")), ("fra1", Decimal("0.5"))),
        (
            _svc("Droplets", "Compute", "9", "1"),
            _svc("Spaces", "Storage", "2.5", "1"),
            _svc("Managed Databases", "Databases", "7.5", "1"),
        ),
        (("env", "dev"), ("team", "labs")),
    ),
)


def _rng(*parts: object) -> random.Random:
    seed = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return random.Random(seed)


def _spike(account: DemoAccount, day: date) -> tuple[str, Decimal] | None:
    """About one day in 45 one service costs 2.5-4x its usual (a runaway job, a backfill)."""
    rng = _rng("spike", account.key, day)
    if rng.randrange(45):
        return None
    service = rng.choice(account.services).name
    return service, Decimal(rng.randint(250, 400)) / 100


def daily_cost(
    account: DemoAccount, service: Service, region: str, share: Decimal, day: date, origin: date
) -> Decimal:
    """`origin` is the history's first day (fixed per account), where growth starts."""
    growth = account.growth ** max((day - origin).days, 0)
    weekly = service.weekend if day.weekday() in WEEKEND else Decimal(1)
    noise = Decimal(_rng(account.key, service.name, region, day).randint(930, 1070)) / 1000
    amount = service.base * share * growth * weekly * noise
    spike = _spike(account, day)
    if spike and spike[0] == service.name:
        amount *= spike[1]
    return amount.quantize(CENT_FRACTION)


def items(
    account: DemoAccount, window: DateWindow, origin: date, provisional_from: date
) -> Iterator[CostLineItem]:
    tags = dict(account.tags)
    for day in window.days():
        start = datetime.combine(day, time(), UTC)
        for service in account.services:
            for region, share in account.regions:
                amount = daily_cost(account, service, region, share, day, origin)
                yield CostLineItem(
                    charge_period_start=start,
                    charge_period_end=start + timedelta(days=1),
                    billed_cost=amount,
                    effective_cost=amount,
                    list_cost=(amount * Decimal("1.12")).quantize(CENT_FRACTION),
                    billing_currency="USD",
                    service_name=service.name,
                    service_category=service.category,
                    region_id=region,
                    sub_account_id=account.sub_account,
                    sub_account_name=account.name,
                    provider_name=account.provider_name,
                    tags=tags,
                    provisional=day >= provisional_from,
                )
