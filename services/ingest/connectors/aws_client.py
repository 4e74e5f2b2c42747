"""boto3 plumbing for the AWS connector: credentials, clients, our retry policy, error mapping.

botocore's own retries are switched off so that throttling is handled in one visible place
(`call_aws`) with a bound the sync worker can rely on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.parsers import ResponseParserError

from services.ingest.connectors.base import (
    AccountConfig,
    ConnectorConfigError,
    ConnectorError,
    ProviderAuthError,
    ProviderPermissionError,
    ProviderResponseError,
    ProviderThrottledError,
    ProviderUnavailableError,
)
from services.ingest.connectors.retry import RetryPolicy

T = TypeVar("T")

CE_PERMISSION = "ce:GetCostAndUsage"
DEFAULT_REGION = "us-east-1"  # Cost Explorer is global and signs with us-east-1
ROLE_SESSION_NAME = "costgrid-ingest"

THROTTLE_CODES = frozenset(
    {"LimitExceededException", "ThrottlingException", "Throttling", "TooManyRequestsException"}
)
PERMISSION_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})
AUTH_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "ExpiredToken",
        "ExpiredTokenException",
        "AuthFailure",
    }
)


class CostDataUnavailableError(ProviderUnavailableError):
    """Cost Explorer has no data for the period yet (new account, or just enabled)."""


def call_aws(
    call: Callable[[], T],
    action: str,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run one AWS call, retrying throttling per `policy`; any failure becomes a ConnectorError."""
    for attempt in range(policy.max_attempts):
        try:
            return call()
        except ClientError as error:
            code = error_code(error)
            if code not in THROTTLE_CODES:
                raise translate(error, action) from error
            if attempt + 1 == policy.max_attempts:
                raise ProviderThrottledError(
                    f"AWS kept throttling {action} ({code}) after {policy.max_attempts} "
                    "attempts with backoff; try the sync again later"
                ) from error
            sleep(policy.delay(attempt))
        except (BotoCoreError, ResponseParserError) as error:
            raise translate(error, action) from error
    raise AssertionError("unreachable: RetryPolicy guarantees at least one attempt")


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def translate(error: Exception, action: str) -> ConnectorError:
    """Turn a botocore failure of `action` (e.g. "ce:GetCostAndUsage") into our error."""
    if isinstance(error, ClientError):
        return _translate_client_error(error, action)
    if isinstance(error, BotoConnectionError | HTTPClientError):
        return ProviderUnavailableError(f"cannot reach AWS for {action}: {error}")
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return ProviderAuthError(
            f"no usable AWS credentials for {action}: set 'access_key_id' and "
            "'secret_access_key' on the account, or give the service a default credential chain"
        )
    if isinstance(error, ResponseParserError):
        return ProviderResponseError(f"AWS answered {action} with an unreadable body: {error}")
    return ConnectorError(f"AWS {action} failed: {error}")


def _translate_client_error(error: ClientError, action: str) -> ConnectorError:
    code = error_code(error)
    said = f"{code}: {error.response.get('Error', {}).get('Message', '')}"
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    if code in PERMISSION_CODES:
        return ProviderPermissionError(_permission_advice(action, said))
    if code in AUTH_CODES:
        return ProviderAuthError(
            f"AWS rejected the credentials for {action} ({said}); check 'access_key_id', "
            "'secret_access_key' and any session token, which may have expired"
        )
    if code == "DataUnavailableException":
        return CostDataUnavailableError(
            f"Cost Explorer has no data for this period yet ({said}); data appears about "
            "24 hours after Cost Explorer is enabled, so retry later"
        )
    if code in {"InvalidNextTokenException", "RequestChangedException"}:
        return ProviderResponseError(f"Cost Explorer paging broke during {action} ({said})")
    if code == "BillExpirationException":
        return ConnectorError(f"AWS no longer holds this billing period ({said})")
    if status >= 500:
        return ProviderUnavailableError(f"AWS failed {action} on its side ({said}, HTTP {status})")
    return ConnectorError(f"AWS {action} failed ({said}, HTTP {status})")


def _permission_advice(action: str, said: str) -> str:
    if action == "sts:AssumeRole":
        return (
            f"not allowed to assume the configured role ({said}); the caller needs "
            "'sts:AssumeRole' on it and the role's trust policy (and ExternalId) must admit it"
        )
    if "not enabled" in said.lower():
        return (
            f"Cost Explorer is not enabled for this account ({said}); enable it in the "
            "AWS Billing console of the management account, then wait up to 24 hours"
        )
    return (
        f"missing IAM permission '{action}' ({said}); attach a policy allowing "
        f"'{action}' to the credentials or role this account uses"
    )


def client_config(connect_timeout: float, read_timeout: float) -> Config:
    return Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
    )


def build_ce_client(
    account: AccountConfig, policy: RetryPolicy, botocore_config: Config
) -> BaseClient:
    """A Cost Explorer client with the account's keys, or with a role assumed through STS."""
    settings = account.settings
    region = str(settings.get("region") or DEFAULT_REGION)
    session = _base_session(account.credentials, region, needs_keys=not settings.get("role_arn"))
    if settings.get("role_arn"):
        session = _assume_role(session, settings, region, policy, botocore_config)
    return session.client(
        "ce", region_name=region, endpoint_url=account.endpoint or None, config=botocore_config
    )


def _base_session(creds: Mapping[str, str], region: str, needs_keys: bool) -> boto3.Session:
    key, secret = creds.get("access_key_id"), creds.get("secret_access_key")
    if bool(key) != bool(secret) or (needs_keys and not key):
        raise ConnectorConfigError(
            "AWS account needs both credentials 'access_key_id' and 'secret_access_key', "
            "or the setting 'role_arn' of a role to assume"
        )
    return boto3.Session(
        aws_access_key_id=key or None,
        aws_secret_access_key=secret or None,
        aws_session_token=creds.get("session_token") or None,
        region_name=region,
    )


def _assume_role(
    session: boto3.Session,
    settings: Mapping[str, Any],
    region: str,
    policy: RetryPolicy,
    botocore_config: Config,
) -> boto3.Session:
    sts = session.client(
        "sts",
        region_name=region,
        endpoint_url=settings.get("sts_endpoint") or None,
        config=botocore_config,
    )
    params = {"RoleArn": str(settings["role_arn"]), "RoleSessionName": ROLE_SESSION_NAME}
    if settings.get("external_id"):
        params["ExternalId"] = str(settings["external_id"])
    answer = call_aws(lambda: sts.assume_role(**params), "sts:AssumeRole", policy)
    try:
        creds = answer["Credentials"]
        return boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=region,
        )
    except (KeyError, TypeError) as error:
        raise ProviderResponseError(f"STS AssumeRole answer lacks credentials: {error}") from error
