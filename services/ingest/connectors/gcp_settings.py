"""A GCP account's settings, validated once so the rest of the connector can trust them.

The export table name is interpolated into SQL (BigQuery cannot bind identifiers as
parameters), so it is held to a strict grammar here; every value goes as a parameter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from google.oauth2 import service_account

from services.ingest.connectors.base import AccountConfig, ConnectorConfigError, required

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)

_BILLING_ACCOUNT = re.compile(r"[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}")
# Project ids: 6-30 of [a-z0-9-], starting with a letter; legacy ones may carry a domain.
_PROJECT = r"(?:[a-z0-9][a-z0-9.-]{0,61}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]"
_TABLE = re.compile(rf"({_PROJECT})\.([A-Za-z0-9_]{{1,1024}})\.([A-Za-z0-9_]{{1,1024}})")
_LOCATION = re.compile(r"[A-Za-z][A-Za-z0-9-]{1,40}")
_ENDPOINT = re.compile(r"https?://[^\s/]+(?::\d+)?/?")


@dataclass(frozen=True)
class GcpSettings:
    billing_account_id: str
    export_table: str  # project.dataset.table, safe to place between backticks
    bigquery_project: str
    location: str | None
    billing_endpoint: str | None
    bigquery_endpoint: str | None

    @property
    def billing_account_name(self) -> str:
        return f"billingAccounts/{self.billing_account_id}"


def parse_settings(config: AccountConfig) -> GcpSettings:
    settings = config.settings
    raw_account = str(required(settings, "billing_account_id", "GCP setting")).strip()
    account = raw_account.removeprefix("billingAccounts/").upper()
    if not _BILLING_ACCOUNT.fullmatch(account):
        raise ConnectorConfigError(
            "GCP setting 'billing_account_id' must look like 012345-6789AB-CDEF01, "
            f"got {raw_account!r}"
        )
    table = str(required(settings, "export_table", "GCP setting")).strip().strip("`")
    table_match = _TABLE.fullmatch(table)
    if table_match is None:
        raise ConnectorConfigError(
            "GCP setting 'export_table' must be project.dataset.table "
            "(e.g. my-project.billing.gcp_billing_export_v1_012345_6789AB_CDEF01) "
            f"using only letters, digits and underscores in dataset and table; got {table!r}"
        )
    job_project = str(settings.get("bigquery_project") or table_match.group(1))
    if not re.fullmatch(_PROJECT, job_project):
        raise ConnectorConfigError(
            f"GCP setting 'bigquery_project' is not a project id: {job_project!r}"
        )
    location = settings.get("location") or None
    if location is not None and not _LOCATION.fullmatch(str(location)):
        raise ConnectorConfigError(
            f"GCP setting 'location' is not a BigQuery location: {location!r}"
        )
    return GcpSettings(
        billing_account_id=account,
        export_table=table,
        bigquery_project=job_project,
        location=str(location) if location else None,
        billing_endpoint=_endpoint(settings.get("billing_endpoint") or config.endpoint),
        bigquery_endpoint=_endpoint(settings.get("bigquery_endpoint") or config.endpoint),
    )


def _endpoint(value: Any) -> str | None:
    if not value:
        return None
    # Without a scheme the REST transports assume https (PROVIDERS.md 3.2).
    if not _ENDPOINT.fullmatch(str(value)):
        raise ConnectorConfigError(
            "GCP endpoint override must be a URL with its scheme, like https://host:port; "
            f"got {value!r}"
        )
    return str(value).rstrip("/")


def client_options(
    credentials: service_account.Credentials, endpoint: str | None
) -> dict[str, str]:
    """The key's universe (googleapis.com, or a sovereign cloud's) must match the client's,
    else the SDKs refuse to start; an endpoint override replaces the universe's default host."""
    options = {"universe_domain": credentials.universe_domain}
    if endpoint:
        options["api_endpoint"] = endpoint
    return options


def load_credentials(config: AccountConfig) -> service_account.Credentials:
    raw = required(config.credentials, "service_account_json", "GCP credential")
    try:
        info = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConnectorConfigError(
            "GCP credential 'service_account_json' is not valid JSON "
            f"(line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ConnectorConfigError(
            "GCP credential 'service_account_json' must be a service-account key file "
            '(a JSON object with "type": "service_account")'
        )
    try:
        credentials: service_account.Credentials = (
            service_account.Credentials.from_service_account_info(info, scopes=list(SCOPES))
        )
        return credentials
    except (ValueError, KeyError) as exc:
        # The message names missing fields or an unreadable key, never the key itself.
        raise ConnectorConfigError(f"GCP service-account key is unusable: {exc}") from None
