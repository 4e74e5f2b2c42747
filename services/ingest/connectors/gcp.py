"""Google Cloud connector: Cloud Billing for the account, BigQuery export for the costs.

Settings: billing_account_id, export_table (project.dataset.table of the standard billing
export), optional bigquery_project (where query jobs run; default the table's project),
location, billing_endpoint and bigquery_endpoint (else the account's endpoint override).
Credential: service_account_json, a service-account key file's JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from services.ingest.connectors.base import AccountConfig, ConnectionCheck, ConnectorError
from services.ingest.connectors.gcp_bigquery import ExportReader
from services.ingest.connectors.gcp_billing import BillingAccount, BillingProject, BillingReader
from services.ingest.connectors.gcp_settings import load_credentials, parse_settings
from services.ingest.connectors.retry import RetryPolicy
from services.ingest.domain.cost_items import CostLineItem, DateWindow

__all__ = ["BillingAccount", "BillingProject", "GcpBillingConnector", "RetryPolicy"]


class GcpBillingConnector:
    """Reads one billing account's daily costs; raises only ConnectorError subclasses."""

    def __init__(self, config: AccountConfig, *, retry: RetryPolicy | None = None) -> None:
        self._settings = parse_settings(config)
        credentials = load_credentials(config)
        self._retry = retry or RetryPolicy()
        self._billing = BillingReader(self._settings, credentials, self._retry)
        self._export = ExportReader(self._settings, credentials, self._retry)

    def fetch(self, window: DateWindow) -> Iterator[CostLineItem]:
        """Usage, tax and adjustment items per day, service, project, region and currency,
        plus a negative "Credit" item wherever credits applied. A closed billing account
        still has its history in the export, so it is not checked here."""
        yield from self._export.line_items(window)

    def billing_account(self) -> BillingAccount:
        return self._billing.account()

    def projects(self) -> list[BillingProject]:
        return self._billing.projects()

    def test_connection(self) -> ConnectionCheck:
        try:
            account = self._billing.account()
            projects = self._billing.projects()
            yesterday = datetime.now(UTC).date() - timedelta(days=1)
            self._export.dry_run(DateWindow(yesterday, yesterday))
        except ConnectorError as exc:
            return ConnectionCheck(ok=False, message=exc.message)
        plural = "" if len(projects) == 1 else "s"
        message = (
            f"Billing account {account.display_name} ({account.account_id}), "
            f"currency {account.currency}, {len(projects)} project{plural}; "
            f"export table {self._settings.export_table} is readable"
        )
        if not account.open:
            message += (
                ". The billing account is closed: no new costs will accrue, "
                "but its history in the export can still be imported"
            )
        return ConnectionCheck(ok=True, message=message)
