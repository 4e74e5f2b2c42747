"""Cloud accounts: which settings and credentials each provider needs, checked before saving.

Settings and credentials are plain dicts keyed by the contract's field names (e.g. AWS
`role_arn`, GCP `bigquery_export_table`); `field` prefixes name the offending request field.
Pure: no I/O, so a rejected request changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from services.common import names
from services.common.errors import InvalidArgument
from services.ingest.domain.focus_paths import PathRefused, relative_parts

PROVIDERS = ("AWS", "GCP", "AZURE", "DIGITALOCEAN", "FOCUS_FILE")
# The contract's names for each provider's settings and credentials messages.
SETTINGS_KEY = {
    "AWS": "aws",
    "GCP": "gcp",
    "AZURE": "azure",
    "DIGITALOCEAN": "digitalocean",
    "FOCUS_FILE": "focus_file",
}
AWS_COST_METRICS = frozenset(
    {"AmortizedCost", "BlendedCost", "NetAmortizedCost", "NetUnblendedCost", "UnblendedCost"}
)
MAX_NAME = 200

_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
_BILLING_ACCOUNT = re.compile(r"[0-9A-Fa-f]{6}-[0-9A-Fa-f]{6}-[0-9A-Fa-f]{6}")
_EXPORT_TABLE = re.compile(r"[a-z][a-z0-9.:-]{4,92}\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_]{1,1024}")
_ENDPOINT = re.compile(r"https?://[^\s/]+(:\d+)?(/\S*)?")
_UUIDISH = re.compile(r"[0-9A-Za-z][0-9A-Za-z.-]{0,254}")


@dataclass(frozen=True)
class AccountSpec:
    """What a caller wants an account to be (a create, an update's result, or a draft)."""

    provider: str
    name: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    endpoint: str = ""


def check_name(name: str, where: str) -> str:
    return names.check_name(name, f"{where}.name", max_length=MAX_NAME)


def check_spec(spec: AccountSpec, where: str) -> None:
    """The account's own fields: provider, endpoint and the provider's settings."""
    if spec.provider not in PROVIDERS:
        raise InvalidArgument(
            f"{where}.provider", "must be AWS, GCP, AZURE, DIGITALOCEAN or FOCUS_FILE"
        )
    if spec.endpoint and not _ENDPOINT.fullmatch(spec.endpoint):
        raise InvalidArgument(
            f"{where}.endpoint",
            f"must be an http(s) URL like https://host:port, got {spec.endpoint!r}",
        )
    _SETTINGS_CHECKS[spec.provider](
        spec.settings, f"{where}.settings.{SETTINGS_KEY[spec.provider]}"
    )


def check_credentials(
    spec: AccountSpec, credentials: Mapping[str, str], where: str = "credentials"
) -> None:
    """Whether `credentials` (plaintext, possibly empty) are enough for the account."""
    _CREDENTIAL_CHECKS[spec.provider](
        spec.settings, credentials, f"{where}.{SETTINGS_KEY[spec.provider]}"
    )


def _aws_settings(settings: Mapping[str, Any], where: str) -> None:
    metric = settings.get("cost_metric") or ""
    if metric and metric not in AWS_COST_METRICS:
        raise InvalidArgument(
            f"{where}.cost_metric", f"must be one of {', '.join(sorted(AWS_COST_METRICS))}"
        )
    role = settings.get("role_arn") or ""
    if role and not _ROLE_ARN.fullmatch(role):
        raise InvalidArgument(
            f"{where}.role_arn", "must be an IAM role ARN like arn:aws:iam::123456789012:role/name"
        )
    if settings.get("external_id") and not role:
        raise InvalidArgument(f"{where}.external_id", "only applies with a role_arn")


def _gcp_settings(settings: Mapping[str, Any], where: str) -> None:
    account = str(settings.get("billing_account_id") or "").removeprefix("billingAccounts/")
    if not _BILLING_ACCOUNT.fullmatch(account):
        raise InvalidArgument(f"{where}.billing_account_id", "must look like 012345-6789AB-CDEF01")
    table = str(settings.get("bigquery_export_table") or "")
    if not _EXPORT_TABLE.fullmatch(table):
        raise InvalidArgument(
            f"{where}.bigquery_export_table",
            "must be the billing export table as project.dataset.table",
        )


def _azure_settings(settings: Mapping[str, Any], where: str) -> None:
    scope = str(settings.get("scope") or "")
    if not scope.startswith("/") or len(scope) < 3:
        raise InvalidArgument(
            f"{where}.scope", "must be a Cost Management scope like /subscriptions/<id>"
        )
    for key in ("tenant_id", "client_id"):
        if not _UUIDISH.fullmatch(str(settings.get(key) or "")):
            raise InvalidArgument(f"{where}.{key}", "is required")


def _no_settings(settings: Mapping[str, Any], where: str) -> None:
    return None


def _focus_settings(settings: Mapping[str, Any], where: str) -> None:
    """Neither path nor s3_prefix: the account receives its files by upload."""
    path, prefix = settings.get("path") or "", settings.get("s3_prefix") or ""
    if path and prefix:
        raise InvalidArgument(f"{where}", "takes at most one of path or s3_prefix")
    if path:
        try:
            relative_parts(str(path))
        except PathRefused as err:
            raise InvalidArgument(
                f"{where}.path", err.message, reason="FOCUS_PATH_REFUSED"
            ) from err
    if prefix and not re.fullmatch(r"s3://[a-z0-9.-]{3,63}(/\S*)?", str(prefix)):
        raise InvalidArgument(f"{where}.s3_prefix", "must look like s3://bucket/prefix/")
    if settings.get("s3_region") and not prefix:
        raise InvalidArgument(f"{where}.s3_region", "only applies with an s3_prefix")


def _aws_credentials(settings: Mapping[str, Any], creds: Mapping[str, str], where: str) -> None:
    key, secret = creds.get("access_key_id", ""), creds.get("secret_access_key", "")
    if key and not secret:
        raise InvalidArgument(f"{where}.secret_access_key", "is required with access_key_id")
    if secret and not key:
        raise InvalidArgument(f"{where}.access_key_id", "is required with secret_access_key")
    if not key and not settings.get("role_arn"):
        raise InvalidArgument(
            f"{where}.access_key_id", "is required unless the settings name a role_arn to assume"
        )


def _gcp_credentials(settings: Mapping[str, Any], creds: Mapping[str, str], where: str) -> None:
    raw = creds.get("service_account_json", "")
    try:
        info = json.loads(raw) if raw else None
    except ValueError:
        info = None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise InvalidArgument(
            f"{where}.service_account_json",
            'must be a service-account key file (JSON with "type": "service_account")',
        )


def _azure_credentials(settings: Mapping[str, Any], creds: Mapping[str, str], where: str) -> None:
    if not creds.get("client_secret"):
        raise InvalidArgument(f"{where}.client_secret", "is required")


def _do_credentials(settings: Mapping[str, Any], creds: Mapping[str, str], where: str) -> None:
    if not creds.get("token"):
        raise InvalidArgument(f"{where}.token", "is required (a read-scoped personal access token)")


def _focus_credentials(settings: Mapping[str, Any], creds: Mapping[str, str], where: str) -> None:
    if creds and settings.get("path"):
        raise InvalidArgument(where, "only applies to an s3_prefix source")
    if bool(creds.get("access_key_id")) != bool(creds.get("secret_access_key")):
        raise InvalidArgument(f"{where}.secret_access_key", "goes together with access_key_id")


_SETTINGS_CHECKS = {
    "AWS": _aws_settings,
    "GCP": _gcp_settings,
    "AZURE": _azure_settings,
    "DIGITALOCEAN": _no_settings,
    "FOCUS_FILE": _focus_settings,
}
_CREDENTIAL_CHECKS = {
    "AWS": _aws_credentials,
    "GCP": _gcp_credentials,
    "AZURE": _azure_credentials,
    "DIGITALOCEAN": _do_credentials,
    "FOCUS_FILE": _focus_credentials,
}
