"""Per-account billing settings and the organization's issuer profile (admin writes them)."""

from __future__ import annotations

from decimal import Decimal

from services.common.caller import current_caller, require_role
from services.common.errors import InvalidArgument
from services.common.names import check_name, optional_name
from services.invoicing.deps import Deps
from services.invoicing.domain.model import (
    DEFAULT_PAYMENT_TERMS_DAYS,
    BillingSettings,
    IssuerProfile,
)
from services.invoicing.repository import billing_settings as settings_repo

MAX_MARKUP_PERCENT = Decimal(1000)
MAX_TERMS_DAYS = 365
MAX_TEXT = 2000


def _check_account_id(account_id: int, field: str) -> None:
    if account_id <= 0:
        raise InvalidArgument(field, "must name a cloud account (a positive id)")


def _check_text(value: str, field: str, required: bool = False) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidArgument(field, "is required")
    if len(value) > MAX_TEXT:
        raise InvalidArgument(field, f"must be at most {MAX_TEXT} characters")
    return value


def normalized_settings(value: BillingSettings) -> BillingSettings:
    """Validates; 0 payment terms means the default (proto3 cannot tell 0 from unset)."""
    _check_account_id(value.account_id, "settings.account_id")
    if not 0 <= value.markup_percent <= MAX_MARKUP_PERCENT:
        raise InvalidArgument(
            "settings.markup_percent", f"must be between 0 and {MAX_MARKUP_PERCENT}"
        )
    if not 0 <= value.payment_terms_days <= MAX_TERMS_DAYS:
        raise InvalidArgument(
            "settings.payment_terms_days", f"must be between 0 and {MAX_TERMS_DAYS} days"
        )
    return BillingSettings(
        account_id=value.account_id,
        markup_percent=value.markup_percent,
        payment_terms_days=value.payment_terms_days or DEFAULT_PAYMENT_TERMS_DAYS,
        client_name=optional_name(value.client_name, "settings.client_name", max_length=MAX_TEXT),
        client_address=_check_text(value.client_address, "settings.client_address"),
    )


async def set_billing_settings(deps: Deps, value: BillingSettings) -> BillingSettings:
    org_id = require_role("admin").org_id
    value = normalized_settings(value)
    await deps.ingest.account(value.account_id)  # NOT_FOUND for an account not in this org
    async with deps.db.transaction() as session:
        await settings_repo.put_billing_settings(session, org_id, value)
    return value


async def get_billing_settings(deps: Deps, account_id: int) -> BillingSettings:
    org_id = current_caller().org_id
    _check_account_id(account_id, "account_id")
    await deps.ingest.account(account_id)  # NOT_FOUND for an account not in this org
    async with deps.db.transaction() as session:
        return await settings_repo.billing_settings(session, org_id, account_id)


async def set_issuer_profile(deps: Deps, value: IssuerProfile) -> IssuerProfile:
    org_id = require_role("admin").org_id
    email = _check_text(value.email, "profile.email")
    if email and ("@" not in email or " " in email):
        raise InvalidArgument("profile.email", f"'{email}' is not an email address")
    value = IssuerProfile(
        name=check_name(value.name, "profile.name", max_length=MAX_TEXT),
        address=_check_text(value.address, "profile.address"),
        email=email,
        tax_id=_check_text(value.tax_id, "profile.tax_id"),
        payment_instructions=_check_text(
            value.payment_instructions, "profile.payment_instructions"
        ),
    )
    async with deps.db.transaction() as session:
        await settings_repo.put_issuer_profile(session, org_id, value)
    return value


async def get_issuer_profile(deps: Deps) -> IssuerProfile:
    org_id = current_caller().org_id
    async with deps.db.transaction() as session:
        return await settings_repo.issuer_profile(session, org_id)
