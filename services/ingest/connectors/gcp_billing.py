"""The Cloud Billing side: is the billing account there, open, and which projects use it.

Cloud Billing carries no cost amounts (PROVIDERS.md 3.1); those come from BigQuery.
"""

from __future__ import annotations

from dataclasses import dataclass

from google.cloud import billing_v1
from google.oauth2 import service_account

from services.ingest.connectors.gcp_errors import ApiContext, with_retry
from services.ingest.connectors.gcp_settings import GcpSettings, client_options
from services.ingest.connectors.retry import RetryPolicy

BILLING = ApiContext(
    api="Cloud Billing",
    permission_hint=(
        "The service account needs permission billing.accounts.get (and "
        "billing.resourceAssociations.list) on the billing account: grant it the "
        "Billing Account Viewer role (roles/billing.viewer)."
    ),
    not_found_hint="Check the billing_account_id setting.",
)


@dataclass(frozen=True)
class BillingAccount:
    account_id: str
    display_name: str
    currency: str
    open: bool


@dataclass(frozen=True)
class BillingProject:
    project_id: str
    billing_enabled: bool


class BillingReader:
    def __init__(
        self, settings: GcpSettings, credentials: service_account.Credentials, retry: RetryPolicy
    ) -> None:
        self._client = billing_v1.CloudBillingClient(
            credentials=credentials,
            transport="rest",
            client_options=client_options(credentials, settings.billing_endpoint),
        )
        self._name = settings.billing_account_name
        self._retry = retry

    def account(self) -> BillingAccount:
        found = with_retry(
            lambda: self._client.get_billing_account(name=self._name, retry=None),
            BILLING,
            self._retry,
        )
        return BillingAccount(
            account_id=found.name.removeprefix("billingAccounts/"),
            display_name=found.display_name,
            currency=found.currency_code,
            open=found.open_,
        )

    def projects(self) -> list[BillingProject]:
        """Every project linked to the account, all pages (the pager follows nextPageToken)."""

        def read_all() -> list[BillingProject]:
            pager = self._client.list_project_billing_info(name=self._name, retry=None)
            return [BillingProject(p.project_id, p.billing_enabled) for p in pager]

        return with_retry(read_all, BILLING, self._retry)
