"""Loading a tenant's plan windows, plans and price books into the domain's terms."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from services.common.errors import NotFound
from services.metering.domain.periods import date_start, period_bounds
from services.metering.domain.pricing import (
    BookVersion,
    PlanTerms,
    Span,
    Window,
    rate_spans,
    windows_of,
)
from services.metering.domain.rating import Usage
from services.metering.repository import catalog, from_json, readings


@dataclass(frozen=True)
class TenantTermsView:
    row: asyncpg.Record
    windows: list[Window]
    books: dict[str, list[BookVersion]]

    @property
    def overage_allowed(self) -> bool:
        return bool(self.row["overage_policy"] == ALLOWED)

    @property
    def first_start(self) -> int:
        return self.windows[0].start

    def spans(self, period: str) -> list[Span]:
        start, end = period_bounds(period)
        return rate_spans(start, end, self.windows, self.books)


ENFORCED, ALLOWED = 1, 2


def book_version(row: asyncpg.Record) -> BookVersion:
    rates = {r["meter"]: Decimal(r["rate"]) for r in from_json(row["rates"])}
    return BookVersion(
        row["name"], row["version"], date_start(row["effective_from"]), row["currency"], rates
    )


def plan_terms(row: asyncpg.Record) -> PlanTerms:
    return PlanTerms(
        id=row["id"],
        name=row["name"],
        book=row["price_book_name"],
        metrics_allowance=row["metrics_series_allowance"],
        logs_allowance=row["logs_bytes_allowance"],
        base_fee=row["base_fee"],
    )


async def books_named(
    conn: asyncpg.Connection, org: str, names: list[str]
) -> dict[str, list[BookVersion]]:
    books: dict[str, list[BookVersion]] = {}
    for row in await catalog.book_versions(conn, org, names):
        books.setdefault(row["name"], []).append(book_version(row))
    return books


async def load_tenant(conn: asyncpg.Connection, org: str, tenant_id: str) -> TenantTermsView:
    """Two queries: the tenant with its windows' plans, and those plans' price books."""
    rows = await catalog.tenant_with_plans(conn, org, tenant_id)
    if not rows:
        raise NotFound(f"tenant '{tenant_id}' does not exist", reason="TENANT_NOT_FOUND")
    terms = [
        (
            r["start_at"],
            PlanTerms(
                id=r["plan_id"],
                name=r["plan_name"],
                book=r["price_book_name"],
                metrics_allowance=r["metrics_series_allowance"],
                logs_allowance=r["logs_bytes_allowance"],
                base_fee=r["base_fee"],
            ),
        )
        for r in rows
    ]
    books = await books_named(conn, org, sorted({p.book for _, p in terms}))
    return TenantTermsView(rows[0], windows_of(terms), books)


async def usage_of(conn: asyncpg.Connection, org: str, tenant_id: str, period: str) -> Usage:
    """The period's running aggregates for rating: never the raw events."""
    start, end = period_bounds(period)
    return await readings.snapshot(conn, org, tenant_id, period, start, end)
