"""Price books and plans: created once (idempotent on request_id), never edited; books version."""

from __future__ import annotations

from decimal import Decimal

import asyncpg

from services.common.caller import require_role
from services.common.dates import parse_date
from services.common.db import Database
from services.common.errors import InvalidArgument, NotFound
from services.common.idempotency import create_once
from services.common.money import parse_currency, parse_decimal
from services.common.names import check_name
from services.metering.domain.meters import METERS, RATE_UNITS
from services.metering.repository import catalog as repo
from services.metering.repository import pg


def parse_rates(rates: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """(meter, unit, rate) triples: every meter once, units as documented, rates >= 0."""
    parsed: dict[str, dict[str, str]] = {}
    for i, (meter, unit, rate) in enumerate(rates):
        field = f"price_book.rates[{i}]"
        if meter not in RATE_UNITS:
            raise InvalidArgument(f"{field}.meter", f"'{meter}' is not one of {', '.join(METERS)}")
        if meter in parsed:
            raise InvalidArgument(f"{field}.meter", f"'{meter}' is priced twice")
        if unit and unit != RATE_UNITS[meter]:
            raise InvalidArgument(f"{field}.unit", f"'{meter}' is priced per {RATE_UNITS[meter]}")
        value = parse_decimal(rate, f"{field}.rate")
        if value < 0:
            raise InvalidArgument(f"{field}.rate", "must not be negative")
        parsed[meter] = {"meter": meter, "unit": RATE_UNITS[meter], "rate": str(value)}
    missing = [m for m in METERS if m not in parsed]
    if missing:
        raise InvalidArgument("price_book.rates", f"every meter needs a rate; missing {missing}")
    return [parsed[m] for m in METERS]


async def create_price_book(
    db: Database,
    request_id: str,
    name: str,
    effective_from: str,
    currency: str,
    rates: list[tuple[str, str, str]],
) -> asyncpg.Record:
    org = require_role("admin").org_id
    check_name(name, "price_book.name")
    starts = parse_date(effective_from, "price_book.effective_from")
    code = parse_currency(currency, "price_book.currency_code")
    priced = parse_rates(rates)
    async with db.transaction() as session:
        conn = await pg(session)

        async def insert() -> asyncpg.Record:
            earlier = await repo.book_versions(conn, org, [name])
            if earlier and earlier[0]["currency"] != code:
                raise InvalidArgument(
                    "price_book.currency_code",
                    f"book '{name}' is priced in {earlier[0]['currency']}; "
                    "versions keep the currency",
                )
            return await repo.insert_price_book(conn, org, name, starts, code, priced, request_id)

        once = await create_once(
            request_id, lambda rid: repo.price_book_by_request(conn, org, rid), insert
        )
        return once.row


async def list_price_books(
    db: Database, org: str, name: str, after: tuple[str, int] | None, limit: int
) -> list[asyncpg.Record]:
    async with db.transaction() as session:
        return await repo.list_price_books(await pg(session), org, name, after, limit)


async def create_plan(
    db: Database,
    request_id: str,
    name: str,
    book: str,
    metrics_allowance: int,
    logs_allowance: int,
    base_fee: tuple[str, str] | None,
) -> asyncpg.Record:
    org = require_role("admin").org_id
    check_name(name, "plan.name")
    for field, value in (
        ("plan.metrics_series_allowance", metrics_allowance),
        ("plan.logs_bytes_allowance", logs_allowance),
    ):
        if value < 0:
            raise InvalidArgument(field, "must not be negative")
    async with db.transaction() as session:
        conn = await pg(session)

        async def insert() -> asyncpg.Record:
            versions = await repo.book_versions(conn, org, [book])
            if not versions:
                raise NotFound(
                    f"there is no price book '{book}'",
                    reason="PRICE_BOOK_NOT_FOUND",
                    field="plan.price_book_name",
                )
            currency = versions[0]["currency"]
            values = {
                "name": name,
                "price_book_name": book,
                "metrics_series_allowance": metrics_allowance,
                "logs_bytes_allowance": logs_allowance,
                "base_fee": _base_fee(base_fee, currency),
                "currency": currency,
                "request_id": request_id,
            }
            return await repo.insert_plan(conn, org, values)

        once = await create_once(
            request_id, lambda rid: repo.plan_by_request(conn, org, rid), insert
        )
        return once.row


def _base_fee(base_fee: tuple[str, str] | None, currency: str) -> Decimal | None:
    if base_fee is None:
        return None
    amount, code = base_fee
    value = parse_decimal(amount, "plan.base_fee.amount")
    if value < 0:
        raise InvalidArgument("plan.base_fee.amount", "must not be negative")
    if parse_currency(code, "plan.base_fee.currency_code") != currency:
        raise InvalidArgument("plan.base_fee.currency_code", f"the price book is in {currency}")
    return value


async def get_plan(db: Database, org: str, plan_id: int) -> asyncpg.Record:
    async with db.transaction() as session:
        plans = await repo.plans_by_id(await pg(session), org, [plan_id])
    if plan_id not in plans:
        raise NotFound(f"plan {plan_id} does not exist", reason="PLAN_NOT_FOUND")
    return plans[plan_id]


async def list_plans(db: Database, org: str, after: int, limit: int) -> list[asyncpg.Record]:
    async with db.transaction() as session:
        return await repo.list_plans(await pg(session), org, after, limit)
