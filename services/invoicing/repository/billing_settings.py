"""SQL for per-account billing settings and the organization's issuer profile."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.invoicing.domain.model import BillingSettings, IssuerProfile


async def billing_settings(session: AsyncSession, org_id: str, account_id: int) -> BillingSettings:
    """The stored settings, or the defaults when none were set."""
    row = (
        await session.execute(
            text(
                "SELECT markup_percent, payment_terms_days, client_name, client_address "
                "FROM account_billing_settings WHERE org_id = :o AND account_id = :a"
            ),
            {"o": org_id, "a": account_id},
        )
    ).first()
    if row is None:
        return BillingSettings(account_id=account_id)
    return BillingSettings(
        account_id, row.markup_percent, row.payment_terms_days, row.client_name, row.client_address
    )


async def put_billing_settings(session: AsyncSession, org_id: str, value: BillingSettings) -> None:
    await session.execute(
        text(
            "INSERT INTO account_billing_settings (org_id, account_id, markup_percent, "
            "payment_terms_days, client_name, client_address) VALUES (:o, :a, :m, :t, :n, :ad) "
            "ON CONFLICT (org_id, account_id) DO UPDATE SET markup_percent = EXCLUDED.markup_percent, "
            "payment_terms_days = EXCLUDED.payment_terms_days, client_name = EXCLUDED.client_name, "
            "client_address = EXCLUDED.client_address, updated_at = now()"
        ),
        {
            "o": org_id,
            "a": value.account_id,
            "m": value.markup_percent,
            "t": value.payment_terms_days,
            "n": value.client_name,
            "ad": value.client_address,
        },
    )


async def issuer_profile(session: AsyncSession, org_id: str) -> IssuerProfile:
    row = (
        await session.execute(
            text(
                "SELECT name, address, email, tax_id, payment_instructions FROM issuer_profiles "
                "WHERE org_id = :o"
            ),
            {"o": org_id},
        )
    ).first()
    return IssuerProfile(*row) if row else IssuerProfile()


async def put_issuer_profile(session: AsyncSession, org_id: str, value: IssuerProfile) -> None:
    await session.execute(
        text(
            "INSERT INTO issuer_profiles (org_id, name, address, email, tax_id, payment_instructions) "
            "VALUES (:o, :n, :a, :e, :t, :p) ON CONFLICT (org_id) DO UPDATE SET name = EXCLUDED.name, "
            "address = EXCLUDED.address, email = EXCLUDED.email, tax_id = EXCLUDED.tax_id, "
            "payment_instructions = EXCLUDED.payment_instructions, updated_at = now()"
        ),
        {
            "o": org_id,
            "n": value.name,
            "a": value.address,
            "e": value.email,
            "t": value.tax_id,
            "p": value.payment_instructions,
        },
    )
