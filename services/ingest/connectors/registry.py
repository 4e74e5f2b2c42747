"""Provider -> connector: turns a stored account (contract field names) into a live connector.

Accounts are stored with the contract's names (`bigquery_export_table`, `s3_prefix`, Azure's
`tenant_id` as a setting); each connector reads its own keys, so they are mapped here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from services.ingest.connectors.base import AccountConfig, Connector, ConnectorConfigError


def account_config(
    provider: str,
    settings: Mapping[str, Any],
    credentials: Mapping[str, str],
    endpoint: str | None = None,
    focus_folder: Path | None = None,
) -> AccountConfig:
    """The connector's view of an account: settings and credentials under the connector's keys.
    `focus_folder`: the organization's drop folder, the only place a FOCUS `path` is read."""
    settings, credentials = dict(settings), dict(credentials)
    if provider == "GCP":
        settings["export_table"] = settings.pop("bigquery_export_table", "")
    elif provider == "AZURE":
        # The connector keeps the service principal together; only its secret is sealed at rest.
        credentials["tenant_id"] = str(settings.pop("tenant_id", ""))
        credentials["client_id"] = str(settings.pop("client_id", ""))
    elif provider == "FOCUS_FILE":
        settings.pop("folder", None)  # only ever the service's, never a stored value
        if focus_folder is not None:
            settings["folder"] = str(focus_folder)
        if settings.get("s3_prefix"):
            settings["s3_uri"] = settings.pop("s3_prefix")
        if settings.get("s3_region"):
            settings["region"] = settings.pop("s3_region")
    return AccountConfig(provider, settings, credentials, endpoint or None)


def _aws(config: AccountConfig) -> Connector:
    from services.ingest.connectors.aws import AwsCostExplorerConnector

    return AwsCostExplorerConnector(config)


def _gcp(config: AccountConfig) -> Connector:
    from services.ingest.connectors.gcp import GcpBillingConnector

    return GcpBillingConnector(config)


def _azure(config: AccountConfig) -> Connector:
    from services.ingest.connectors.azure import AzureCostConnector

    return AzureCostConnector(config)


def _digitalocean(config: AccountConfig) -> Connector:
    from services.ingest.connectors.digitalocean import DigitalOceanConnector

    return DigitalOceanConnector(config)


def _focus(config: AccountConfig) -> Connector:
    from services.ingest.connectors.focus import FocusFileConnector

    return FocusFileConnector(config)


# Imports are deferred: each SDK is heavy and a replica may never meet some providers.
FACTORIES: dict[str, Callable[[AccountConfig], Connector]] = {
    "AWS": _aws,
    "GCP": _gcp,
    "AZURE": _azure,
    "DIGITALOCEAN": _digitalocean,
    "FOCUS_FILE": _focus,
}


def build_connector(config: AccountConfig) -> Connector:
    """Raises ConnectorConfigError (a ConnectorError) for an unusable account."""
    factory = FACTORIES.get(config.provider)
    if factory is None:
        raise ConnectorConfigError(f"no connector for provider {config.provider!r}")
    return factory(config)
