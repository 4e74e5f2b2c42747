"""The DigitalOcean connector, on the real pydo client, against a local fake of the API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.ingest.connectors.base import (
    AccountConfig,
    ConnectorConfigError,
    ProviderAuthError,
    ProviderPermissionError,
    ProviderResponseError,
    ProviderThrottledError,
)
from services.ingest.connectors.digitalocean import DigitalOceanConnector
from services.ingest.connectors.digitalocean_items import prorate
from services.ingest.domain.cost_items import CostLineItem, DateWindow
from tests.fakes.digitalocean_fake import DigitalOceanFake, Scripted

TOKEN = "do-test-token"
NOW = datetime(2024, 3, 5, 12, tzinfo=UTC).timestamp()


def item(product: str, amount: str, start: str, end: str, **extra: str) -> dict[str, Any]:
    return {
        "product": product,
        "amount": amount,
        "start_time": start,
        "end_time": end,
        "description": extra.pop("description", f"{product} usage"),
        "group_description": "",
        "duration": "1",
        "duration_unit": "Hours",
        "resource_uuid": extra.pop("resource_uuid", ""),
        "resource_id": extra.pop("resource_id", ""),
        "project_name": extra.pop("project_name", ""),
    }


JANUARY = [
    item(
        "Droplets",
        "10.00",
        "2024-01-01T00:00:00Z",
        "2024-02-01T00:00:00Z",
        description="s-1vcpu-1gb (nyc3)",
        resource_uuid="droplet-uuid-1",
        project_name="web",
    ),
    item("Volumes", "3.11", "2024-01-10T12:00:00Z", "2024-01-12T06:00:00Z", resource_id="77"),
    item("Droplets", "-1.00", "2024-01-05T00:00:00Z", "2024-01-06T00:00:00Z"),
]
FEBRUARY = [item("Spaces", "5.00", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z")]
MARCH_PREVIEW = [
    item("Droplets", "4.00", "2024-03-01T00:00:00Z", "2024-03-05T00:00:00Z"),
    item("App Platform", "0.50", "2024-03-04T00:00:00Z", "2024-03-05T00:00:00Z"),
]


@pytest.fixture
def fake() -> Iterator[DigitalOceanFake]:
    with DigitalOceanFake(TOKEN) as server:
        server.add_invoice("inv-2024-02", "2024-02", FEBRUARY)
        server.add_invoice("inv-2024-01", "2024-01", JANUARY)
        server.set_preview("2024-03", MARCH_PREVIEW)
        server.balance["month_to_date_usage"] = "4.75"
        server.balance["generated_at"] = "2024-03-05T00:00:00Z"
        yield server


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def connector(fake: DigitalOceanFake, token: str = TOKEN, **kwargs: Any) -> DigitalOceanConnector:
    config = AccountConfig("DIGITALOCEAN", credentials={"token": token}, endpoint=fake.url)
    kwargs.setdefault("sleep", Sleeps())
    return DigitalOceanConnector(config, clock=lambda: NOW, **kwargs)


def fetch(fake: DigitalOceanFake, start: date, end: date, **kwargs: Any) -> list[CostLineItem]:
    return list(connector(fake, **kwargs).fetch(DateWindow(start, end)))


def by_service(rows: list[CostLineItem]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[row.service_name] += row.billed_cost
    return dict(totals)


def test_closed_months_add_up_exactly_to_each_invoice_total(fake: DigitalOceanFake) -> None:
    rows = fetch(fake, date(2024, 1, 1), date(2024, 2, 29))

    assert by_service(rows) == {
        "Droplets": Decimal("9.00"),
        "Volumes": Decimal("3.11"),
        "Spaces": Decimal("5.00"),
    }
    assert sum(r.billed_cost for r in rows if r.charge_day.month == 1) == Decimal("12.11")
    assert all(r.billing_currency == "USD" and not r.provisional for r in rows)
    assert all(r.provider_name == "DigitalOcean" for r in rows)


def test_item_is_spread_over_its_days_by_seconds_with_remainder_on_last_day(
    fake: DigitalOceanFake,
) -> None:
    rows = fetch(fake, date(2024, 1, 1), date(2024, 1, 31))

    volumes = {r.charge_day: r.billed_cost for r in rows if r.service_name == "Volumes"}
    assert volumes == {
        date(2024, 1, 10): Decimal("0.8885714286"),  # 12 of 42 hours
        date(2024, 1, 11): Decimal("1.7771428571"),  # 24 of 42 hours
        date(2024, 1, 12): Decimal("0.4442857143"),  # 6 hours, plus the rounding remainder
    }
    droplet = [r for r in rows if r.resource_id == "droplet-uuid-1"]
    assert len(droplet) == 31
    assert {r.billed_cost for r in droplet[:-1]} == {Decimal("0.3225806452")}
    assert droplet[-1].billed_cost == Decimal("0.3225806440")
    assert all(r.charge_period_end - r.charge_period_start == timedelta(days=1) for r in droplet)


def test_rows_carry_project_resource_region_and_credit_category(fake: DigitalOceanFake) -> None:
    rows = fetch(fake, date(2024, 1, 5), date(2024, 1, 5))

    droplet = next(r for r in rows if r.resource_id == "droplet-uuid-1")
    assert (droplet.sub_account_id, droplet.region_id) == ("web", "nyc3")
    assert (droplet.charge_category, droplet.service_name) == ("Usage", "Droplets")
    credit = next(r for r in rows if r.billed_cost < 0)
    assert (credit.charge_category, credit.billed_cost) == ("Credit", Decimal("-1.00"))
    assert credit.sub_account_id == "" and credit.region_id == ""


def test_window_keeps_only_its_days_and_reads_only_overlapping_invoices(
    fake: DigitalOceanFake,
) -> None:
    rows = fetch(fake, date(2024, 1, 10), date(2024, 1, 11))

    assert {r.charge_day for r in rows} == {date(2024, 1, 10), date(2024, 1, 11)}
    assert by_service(rows)["Volumes"] == Decimal("2.6657142857")
    assert fake.requests_to("inv-2024-02") == []
    assert fake.requests_to("preview") == []
    assert fake.requests_to("balance") == []


def test_invoice_list_is_followed_while_links_pages_next_is_present(
    fake: DigitalOceanFake,
) -> None:
    for n in range(450):  # with the two fixture invoices: 452 invoices, 3 pages of 200
        fake.invoices.append(
            {"invoice_uuid": f"old-{n}", "amount": "1.00", "invoice_period": "2001-01"}
        )

    rows = fetch(fake, date(2024, 2, 1), date(2024, 2, 29))

    pages = fake.requests_to("/v2/customers/my/invoices")
    listed = [r.query for r in pages if r.path.endswith("/invoices")]
    assert listed == [{"per_page": "200", "page": str(n)} for n in (1, 2, 3)]
    assert by_service(rows) == {"Spaces": Decimal("5.00")}


def test_invoice_items_are_read_page_by_page(fake: DigitalOceanFake) -> None:
    many = [
        item("Droplets", "0.01", f"2023-12-{d:02d}T00:00:00Z", f"2023-12-{d:02d}T01:00:00Z")
        for d in range(1, 29)
        for _ in range(15)
    ]
    fake.add_invoice("inv-2023-12", "2023-12", many)  # 420 items, 3 pages

    rows = fetch(fake, date(2023, 12, 1), date(2023, 12, 31))

    item_pages = [r.query["page"] for r in fake.requests_to("inv-2023-12")]
    assert item_pages == ["1", "2", "3"]
    assert sum(r.billed_cost for r in rows) == Decimal("4.20")


def test_current_month_comes_from_preview_and_matches_month_to_date_usage(
    fake: DigitalOceanFake,
) -> None:
    rows = fetch(fake, date(2024, 3, 1), date(2024, 3, 31))

    assert sum(r.billed_cost for r in rows) == Decimal("4.75")
    assert all(r.provisional for r in rows)
    adjustment = next(r for r in rows if r.charge_category == "Adjustment")
    assert (adjustment.charge_day, adjustment.billed_cost) == (date(2024, 3, 4), Decimal("0.25"))
    assert adjustment.service_name == "Unattributed"
    assert by_service(rows)["Droplets"] == Decimal("4.00")


def test_preview_equal_to_month_to_date_usage_needs_no_adjustment(
    fake: DigitalOceanFake,
) -> None:
    fake.balance["month_to_date_usage"] = "4.50"

    rows = fetch(fake, date(2024, 3, 1), date(2024, 3, 31))

    assert {r.charge_category for r in rows} == {"Usage"}
    assert sum(r.billed_cost for r in rows) == Decimal("4.50")


def test_bearer_token_is_sent_and_test_connection_reports_usage(fake: DigitalOceanFake) -> None:
    check = connector(fake).test_connection()

    assert check.ok
    assert "4.75 USD" in check.message
    assert [r.authorization for r in fake.requests] == [f"Bearer {TOKEN}"]


def test_429_is_retried_after_retry_after_seconds(fake: DigitalOceanFake) -> None:
    too_many = {"id": "too_many_requests", "message": "API Rate limit exceeded."}
    fake.script(Scripted("/invoices", 429, too_many, {"retry-after": "2"}))
    sleeps = Sleeps()

    rows = fetch(fake, date(2024, 2, 1), date(2024, 2, 29), sleep=sleeps)

    assert sleeps == [2.0]
    assert by_service(rows) == {"Spaces": Decimal("5.00")}


def test_429_that_persists_gives_throttled_error_after_bounded_attempts(
    fake: DigitalOceanFake,
) -> None:
    fake.script(Scripted("/balance", 429, {"id": "too_many_requests"}, {"retry-after": "1"}, 9))
    sleeps = Sleeps()

    check = connector(fake, sleep=sleeps, max_throttle_retries=2).test_connection()

    assert not check.ok and "rate limited (429) after 3 attempts" in check.message
    assert sleeps == [1.0, 1.0]
    assert len(fake.requests_to("/balance")) == 3


def test_retry_after_longer_than_we_wait_fails_fast(fake: DigitalOceanFake) -> None:
    fake.script(Scripted("/invoices", 429, {"id": "too_many_requests"}, {"retry-after": "900"}))
    sleeps = Sleeps()

    with pytest.raises(ProviderThrottledError, match="resets in 900s"):
        fetch(fake, date(2024, 2, 1), date(2024, 2, 29), sleep=sleeps, max_wait_seconds=30)
    assert sleeps == []


def test_exhausted_rate_limit_waits_until_reset_before_next_request(
    fake: DigitalOceanFake,
) -> None:
    exhausted = {"ratelimit-remaining": "0", "ratelimit-reset": str(int(NOW) + 5)}
    fake.script(Scripted("/invoices", headers=exhausted))
    sleeps = Sleeps()

    rows = fetch(fake, date(2024, 2, 1), date(2024, 2, 29), sleep=sleeps)

    assert sleeps == [5.0]
    assert by_service(rows) == {"Spaces": Decimal("5.00")}


def test_revoked_token_is_an_auth_error(fake: DigitalOceanFake) -> None:
    with pytest.raises(ProviderAuthError, match="token invalid or revoked") as caught:
        fetch(fake, date(2024, 1, 1), date(2024, 1, 31), token="revoked")
    assert "unauthorized" in caught.value.message
    assert not connector(fake, token="revoked").test_connection().ok


def test_token_without_billing_scope_is_a_permission_error(fake: DigitalOceanFake) -> None:
    fake.read_only_tokens.add("droplets-only")

    with pytest.raises(ProviderPermissionError, match="billing:read"):
        fetch(fake, date(2024, 1, 1), date(2024, 1, 31), token="droplets-only")


def test_malformed_json_is_a_bad_response(fake: DigitalOceanFake) -> None:
    fake.script(Scripted("/invoices", 200, b'{"invoices": [', {}))

    with pytest.raises(ProviderResponseError, match="not valid JSON"):
        fetch(fake, date(2024, 1, 1), date(2024, 1, 31))


def test_missing_invoices_array_is_a_bad_response(fake: DigitalOceanFake) -> None:
    fake.script(Scripted("/invoices", 200, {"meta": {"total": 0}}))

    with pytest.raises(ProviderResponseError, match="no 'invoices' array"):
        fetch(fake, date(2024, 1, 1), date(2024, 1, 31))


def test_unreadable_amount_is_a_bad_response(fake: DigitalOceanFake) -> None:
    fake.items["inv-2024-02"] = [item("Spaces", "$5.00", "2024-02-01T00:00:00Z", "2024-03-01Z")]

    with pytest.raises(ProviderResponseError, match=r"amount '\$5.00' is not a number"):
        fetch(fake, date(2024, 2, 1), date(2024, 2, 29))


def test_missing_token_is_a_configuration_error() -> None:
    with pytest.raises(ConnectorConfigError, match="'token' is required"):
        DigitalOceanConnector(AccountConfig("DIGITALOCEAN"))


@given(
    cents=st.integers(min_value=-(10**9), max_value=10**9),
    start_s=st.integers(min_value=0, max_value=40 * 86_400),
    length_s=st.integers(min_value=1, max_value=40 * 86_400),
)
def test_prorated_shares_always_sum_to_the_item_amount(
    cents: int, start_s: int, length_s: int
) -> None:
    amount = Decimal(cents) / 100
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=start_s)
    shares = prorate(amount, start, start + timedelta(seconds=length_s))

    assert sum(share for _, share in shares) == amount
    assert [day for day, _ in shares] == sorted({day for day, _ in shares})
