"""The REST API over httpx: JSON read and written with exact decimals, and every failure as a
typed error carrying the API's own message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from services.common import decimal_json

TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class CliError(Exception):
    """A failure the user is told about in one line; `exit_code` is what the process returns."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiError(CliError):
    """The API refused: its status, error code and message, and the body it sent."""

    def __init__(self, status: int, code: str, message: str, body: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.body = body


class Unreachable(CliError):
    exit_code = 3


def api_error(response: httpx.Response) -> ApiError:
    try:
        body = decimal_json.loads(response.read())
        error = body["error"]
        return ApiError(response.status_code, str(error["code"]), str(error["message"]), body)
    except (ValueError, KeyError, TypeError):
        text = response.text.strip() or response.reason_phrase
        return ApiError(
            response.status_code, "HTTP_ERROR", f"HTTP {response.status_code}: {text}", None
        )


class Client:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self._http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        """The answer's JSON (decimals as Decimal), or None for an empty answer."""
        content = None if body is None else decimal_json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if content is not None else {}
        response = self.send(method, path, params=params, content=content, headers=headers)
        return decimal_json.loads(response.content) if response.content else None

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, params=params)

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        content: bytes | Iterable[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        try:
            response = self._http.request(
                method, path, params=query, content=content, headers=headers
            )
        except httpx.TransportError as exc:
            raise Unreachable(f"cannot reach the API at {self.base_url}: {exc}") from exc
        if response.is_error:
            raise api_error(response)
        return response


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
