"""JSON in and out with exact decimals: amounts are written as bare JSON numbers from the
Decimal's own digits, and request numbers are read as Decimal, never through a float."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

# Shared with webhook payloads, so the kit holds them; the routes import them from here too.
from services.common.decimal_json import dumps, loads


class DecimalJSONResponse(JSONResponse):
    """A JSONResponse to FastAPI, so OpenAPI documents each route's response model."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


class DecimalRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class DecimalRoute(APIRoute):
    """Parses request bodies with Decimal for every JSON number that has a fraction."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def decimal_handler(request: Request) -> Response:
            return await handler(DecimalRequest(request.scope, request.receive))

        return decimal_handler
