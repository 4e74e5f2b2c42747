"""A cap on request bodies, applied before authentication and parsing.

FastAPI reads the whole body before it runs the route's dependencies (authentication among
them), so without this a caller with no token could make the gateway hold any number of bytes.
A declared Content-Length over the cap is refused before a byte of the body is read; a chunked
body is counted as it streams and refused the moment it passes the cap.

Routes that take larger bodies (file uploads) get their own cap by a path pattern matched
from the start (a plain prefix, or a regular expression for paths with ids): pass
`larger={"/api/v1/some/upload/": settings.some_upload_max_bytes}` to the middleware.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.http.errors import error_response, payload_too_large
from services.gateway.http.jsonio import DecimalJSONResponse


class BodyTooLarge(StarletteHTTPException):
    """Raised from `receive` once a streamed body passes the cap. An HTTPException so that
    FastAPI's body reading lets it through as it is rather than as "error parsing the body"."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes")
        self.limit = limit


def too_large_response(limit: int) -> DecimalJSONResponse:
    error = payload_too_large(limit, "the request body")
    return error_response(error.status, error.code, error.message, error.details)


async def handle_body_too_large(request: Request, exc: BodyTooLarge) -> DecimalJSONResponse:
    return too_large_response(exc.limit)


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: int, larger: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        # Longest prefix first, so a more specific route's cap wins.
        self.larger = sorted((larger or {}).items(), key=lambda item: -len(item[0]))

    def limit_of(self, path: str) -> int:
        return next((cap for pattern, cap in self.larger if re.match(pattern, path)), self.limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await too_large_response(limit)(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:
                raise
            await too_large_response(limit)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None
