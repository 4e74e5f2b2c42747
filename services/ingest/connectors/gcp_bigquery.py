"""Daily cost and credits from the standard billing export table in BigQuery.

Amounts are summed as NUMERIC: each FLOAT64 `cost` is cast first (BigQuery rounds it to
9 decimals) and then summed exactly, so the API returns decimal strings, never floats.
The window is a predicate on usage_start_time itself, not _PARTITIONTIME: partitions
follow export time, and late exports of older usage must still be counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from google.cloud import bigquery
from google.oauth2 import service_account

from services.ingest.connectors.base import ProviderResponseError
from services.ingest.connectors.gcp_errors import ApiContext, with_retry
from services.ingest.connectors.gcp_settings import GcpSettings, client_options
from services.ingest.connectors.retry import RetryPolicy
from services.ingest.domain.cost_items import CostLineItem, DateWindow

PROVIDER_NAME = "Google Cloud"

# The SDK documents retry=None / job_retry=None as "no retry" but annotates them as Retry.
_SDK_RETRY_OFF: Any = None

_QUERY = """
SELECT
  DATE(usage_start_time, 'UTC') AS usage_day,
  service.description AS service,
  project.id AS project_id,
  project.name AS project_name,
  location.region AS region,
  cost_type AS cost_type,
  currency AS currency,
  SUM(CAST(cost AS NUMERIC)) AS cost,
  SUM(IFNULL((SELECT SUM(CAST(c.amount AS NUMERIC)) FROM UNNEST(credits) AS c), 0)) AS credits
FROM `{table}`
WHERE usage_start_time >= @start AND usage_start_time < @end
GROUP BY usage_day, service, project_id, project_name, region, cost_type, currency
ORDER BY usage_day, service, project_id, region, cost_type, currency
"""

# cost_type in the export -> FOCUS ChargeCategory. Credits become their own "Credit" items.
_CHARGE_CATEGORY = {
    "regular": "Usage",
    "tax": "Tax",
    "adjustment": "Adjustment",
    "rounding error": "Adjustment",
}


def bigquery_context(settings: GcpSettings) -> ApiContext:
    return ApiContext(
        api="BigQuery",
        permission_hint=(
            "The service account needs bigquery.jobs.create in project "
            f"{settings.bigquery_project} "
            "(BigQuery Job User role) and read access to the export dataset "
            "(BigQuery Data Viewer role, roles/bigquery.dataViewer, on "
            f"{settings.export_table.rsplit('.', 1)[0]})."
        ),
        not_found_hint=(
            f"Check the export_table setting ({settings.export_table}): it must name the standard "
            "billing export table, gcp_billing_export_v1_<BILLING_ACCOUNT_ID>, and its location."
        ),
    )


class ExportReader:
    def __init__(
        self, settings: GcpSettings, credentials: service_account.Credentials, retry: RetryPolicy
    ) -> None:
        self._client = bigquery.Client(
            project=settings.bigquery_project,
            credentials=credentials,
            location=settings.location,
            client_options=client_options(credentials, settings.bigquery_endpoint),
        )
        self._sql = _QUERY.format(table=settings.export_table)
        self._context = bigquery_context(settings)
        self._retry = retry

    def dry_run(self, window: DateWindow) -> int:
        """Check permissions, table and columns without running the query; bytes it would scan."""
        config = self._job_config(window, dry_run=True)
        job = with_retry(
            lambda: self._client.query(
                self._sql, job_config=config, retry=_SDK_RETRY_OFF, job_retry=_SDK_RETRY_OFF
            ),
            self._context,
            self._retry,
        )
        return int(job.total_bytes_processed or 0)

    def line_items(self, window: DateWindow) -> Iterator[CostLineItem]:
        # The grouped result is small (days x services x projects x regions), so all pages
        # are read inside the retry: a throttled page re-runs the query rather than leaving
        # half a window behind.
        config = self._job_config(window, dry_run=False)
        rows = with_retry(
            lambda: list(
                self._client.query_and_wait(
                    self._sql, job_config=config, retry=_SDK_RETRY_OFF, job_retry=_SDK_RETRY_OFF
                )
            ),
            self._context,
            self._retry,
        )
        for row in rows:
            yield from _items(row)

    @staticmethod
    def _job_config(window: DateWindow, *, dry_run: bool) -> bigquery.QueryJobConfig:
        return bigquery.QueryJobConfig(
            dry_run=dry_run,
            use_query_cache=not dry_run,
            query_parameters=[
                bigquery.ScalarQueryParameter("start", "TIMESTAMP", _midnight(window.start)),
                bigquery.ScalarQueryParameter("end", "TIMESTAMP", _midnight(window.end_exclusive)),
            ],
        )


def _items(row: Any) -> Iterator[CostLineItem]:
    try:
        day, currency, cost, credits = (
            row["usage_day"],
            row["currency"],
            row["cost"],
            row["credits"],
        )
        service, region, cost_type = row["service"], row["region"], row["cost_type"]
        project_id, project_name = row["project_id"], row["project_name"]
    except (KeyError, IndexError) as exc:
        raise ProviderResponseError(f"BigQuery result row lacks an expected column: {exc}") from exc
    if not isinstance(day, date) or not isinstance(currency, str) or len(currency) != 3:
        raise ProviderResponseError(
            f"BigQuery result row has a bad day or currency: {day!r}, {currency!r}"
        )
    if not isinstance(cost, Decimal) or not isinstance(credits, Decimal | None):
        raise ProviderResponseError(
            f"BigQuery returned cost {cost!r} and credits {credits!r}; expected NUMERIC decimals"
        )
    common: dict[str, Any] = {
        "charge_period_start": _midnight(day),
        "charge_period_end": _midnight(day + timedelta(days=1)),
        "billing_currency": currency,
        "service_name": service or "",
        "region_id": region or "",  # global services have no region
        "sub_account_id": project_id or "",
        "sub_account_name": project_name or project_id or "",
        "provider_name": PROVIDER_NAME,
    }
    category = _CHARGE_CATEGORY.get(cost_type or "regular", "Adjustment")
    yield CostLineItem(billed_cost=cost, effective_cost=cost, charge_category=category, **common)
    if credits:
        yield CostLineItem(
            billed_cost=credits, effective_cost=credits, charge_category="Credit", **common
        )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
