"""Service-principal token for Azure Resource Manager (OAuth2 client credentials).

Our own credential rather than azure-identity's ClientSecretCredential: that one refuses
any authority that is not https (so it cannot be tested against a loopback fake) and MSAL
may run instance discovery over the network. The flow itself is one POST, and owning it
lets an invalid secret surface as a `ProviderAuthError` with Entra ID's own explanation.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
from azure.core.credentials import AccessToken

from services.ingest.connectors.base import ProviderAuthError, ProviderUnavailableError

DEFAULT_AUTHORITY = "https://login.microsoftonline.com"

# Sovereign clouds sign in at their own authority; used when none is configured.
_AUTHORITY_FOR_ARM_HOST = {
    "management.usgovcloudapi.net": "https://login.microsoftonline.us",
    "management.chinacloudapi.cn": "https://login.chinacloudapi.cn",
}

_REFRESH_MARGIN_S = 300  # renew a little before expiry so a long sync never sends a stale token


def default_authority(arm_base: str) -> str:
    host = httpx.URL(arm_base).host
    return _AUTHORITY_FOR_ARM_HOST.get(host, DEFAULT_AUTHORITY)


class ClientSecretTokenCredential:
    """`azure.core.credentials.TokenCredential` for a tenant, client id and client secret."""

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        *,
        authority: str = DEFAULT_AUTHORITY,
        timeout_s: float = 30.0,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._token_url = f"{authority.rstrip('/')}/{tenant_id}/oauth2/v2.0/token"
        self._timeout_s = timeout_s
        self._cached: dict[str, AccessToken] = {}
        self._lock = threading.Lock()

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        key = " ".join(scopes)
        with self._lock:
            token = self._cached.get(key)
            if token is None or token.expires_on - _REFRESH_MARGIN_S <= time.time():
                token = self._request(key)
                self._cached[key] = token
            return token

    def _request(self, scope: str) -> AccessToken:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "scope": scope,
        }
        try:
            response = httpx.post(self._token_url, data=form, timeout=self._timeout_s)
        except httpx.HTTPError as exc:
            raise ProviderUnavailableError(
                f"cannot reach the Azure sign-in endpoint {self._token_url}: {exc}"
            ) from exc
        if response.status_code >= 500:
            raise ProviderUnavailableError(
                f"Azure sign-in endpoint answered HTTP {response.status_code}; try again later"
            )
        body = _json_or_empty(response)
        if response.status_code != 200:
            raise ProviderAuthError(self._explain(response.status_code, body))
        access_token, expires_in = body.get("access_token"), body.get("expires_in")
        if not isinstance(access_token, str) or not access_token:
            raise ProviderAuthError("Azure sign-in answered without an access_token")
        try:
            lifetime = int(expires_in) if expires_in is not None else 3600
        except (TypeError, ValueError):
            lifetime = 3600
        return AccessToken(access_token, int(time.time()) + lifetime)

    def _explain(self, status: int, body: dict[str, Any]) -> str:
        code = body.get("error", "")
        detail = str(body.get("error_description", "")).split("\r\n")[0].split("\n")[0]
        if code in ("invalid_client", "unauthorized_client"):
            hint = (
                f"Azure rejected the service principal {self._client_id}: the client secret "
                "is wrong or expired, or the client id does not exist in this tenant"
            )
        elif code == "invalid_request" and "AADSTS90002" in detail:
            hint = "Azure does not know the tenant id; check the account's tenant_id"
        else:
            hint = f"Azure sign-in failed (HTTP {status}{', ' + code if code else ''})"
        return f"{hint}. Azure said: {detail}" if detail else hint


def _json_or_empty(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
