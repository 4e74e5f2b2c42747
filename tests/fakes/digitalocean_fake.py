"""A small local DigitalOcean billing API: balance, invoices, invoice items (and `preview`).

It speaks the wire format in PROVIDERS.md section 4: string amounts, `per_page`/`page`
paging with `links.pages.next` only while more pages remain (and no `links` at all when
everything fits on one page), `ratelimit-*` headers, and `{"id", "message"}` error bodies.
Every request is recorded with its Authorization header. `script()` queues one-off
answers (a 429, a malformed body, exhausted rate-limit headers) for matching requests.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BALANCE_PATH = "/v2/customers/my/balance"
INVOICES_PATH = "/v2/customers/my/invoices"
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    authorization: str | None


@dataclass
class Scripted:
    """An answer for the next `times` requests whose path contains `path_contains`.

    With `status` None the normal body is served, with `headers` added: handy for
    rate-limit headers. `body` may be bytes (sent as is) or JSON-able.
    """

    path_contains: str = ""
    status: int | None = None
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    times: int = 1


class DigitalOceanFake:
    def __init__(self, token: str = "do-test-token") -> None:
        self.valid_tokens = {token}
        self.read_only_tokens: set[str] = set()  # valid, but without billing:read -> 403
        self.invoices: list[dict[str, Any]] = []
        self.items: dict[str, list[dict[str, Any]]] = {}
        self.preview: dict[str, Any] | None = None
        self.balance: dict[str, Any] = {
            "month_to_date_balance": "0.00",
            "account_balance": "0.00",
            "month_to_date_usage": "0.00",
            "generated_at": "2024-03-05T00:00:00Z",
        }
        self.rate_limit = {"ratelimit-limit": "5000", "ratelimit-remaining": "4999"}
        self.rate_limit_reset = "1700000000"
        self.requests: list[RecordedRequest] = []
        self._scripts: list[Scripted] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add_invoice(self, uuid: str, period: str, items: list[dict[str, Any]]) -> None:
        self.invoices.append(
            {"invoice_uuid": uuid, "amount": str(_total(items)), "invoice_period": period}
        )
        self.items[uuid] = items

    def set_preview(self, period: str, items: list[dict[str, Any]]) -> None:
        self.preview = {
            "invoice_uuid": "preview-uuid",
            "amount": str(_total(items)),
            "invoice_period": period,
            "updated_at": f"{period}-05T00:00:00Z",
        }
        self.items["preview"] = items

    def script(self, answer: Scripted) -> None:
        with self._lock:
            self._scripts.append(answer)

    def requests_to(self, path_contains: str) -> list[RecordedRequest]:
        return [r for r in self.requests if path_contains in r.path]

    def __enter__(self) -> DigitalOceanFake:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def answer(self, request: RecordedRequest) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            self.requests.append(request)
            scripted = self._take_script(request.path)
        headers = {**self.rate_limit, "ratelimit-reset": self.rate_limit_reset}
        if scripted is not None:
            headers.update(scripted.headers)
            if scripted.status is not None:
                return scripted.status, scripted.body, headers
        status, body = self._route(request)
        return status, body, headers

    def _take_script(self, path: str) -> Scripted | None:
        for scripted in self._scripts:
            if scripted.path_contains in path:
                scripted.times -= 1
                if scripted.times <= 0:
                    self._scripts.remove(scripted)
                return scripted
        return None

    def _route(self, request: RecordedRequest) -> tuple[int, Any]:
        token = (request.authorization or "").removeprefix("Bearer ")
        if token in self.read_only_tokens:
            return 403, _error("forbidden", "You do not have access for the attempted action.")
        if token not in self.valid_tokens:
            return 401, _error("unauthorized", "Unable to authenticate you.")
        if request.path == BALANCE_PATH:
            return 200, self.balance
        if request.path == INVOICES_PATH:
            body = self._page(request, "invoices", self.invoices)
            if self.preview is not None:
                body["invoice_preview"] = self.preview
            return 200, body
        uuid = request.path.removeprefix(INVOICES_PATH + "/")
        if request.path.startswith(INVOICES_PATH + "/") and uuid in self.items:
            return 200, self._page(request, "invoice_items", self.items[uuid])
        return 404, _error("not_found", "The resource you requested could not be found.")

    def _page(self, request: RecordedRequest, key: str, rows: list[Any]) -> dict[str, Any]:
        per_page = min(int(request.query.get("per_page", DEFAULT_PER_PAGE)), MAX_PER_PAGE)
        page = int(request.query.get("page", 1))
        last = max(1, -(-len(rows) // per_page))
        body: dict[str, Any] = {
            key: rows[(page - 1) * per_page : page * per_page],
            "meta": {"total": len(rows)},
        }
        if last > 1:
            link = f"{self.url}{request.path}?per_page={per_page}&page="
            pages = {"first": f"{link}1", "last": f"{link}{last}"}
            if page > 1:
                pages["prev"] = f"{link}{page - 1}"
            if page < last:
                pages["next"] = f"{link}{page + 1}"
            body["links"] = {"pages": pages}
        return body


def _total(items: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(item["amount"]) for item in items), Decimal(0))


def _error(error_id: str, message: str) -> dict[str, str]:
    return {"id": error_id, "message": message, "request_id": "fake-request"}


def _handler_for(fake: DigitalOceanFake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            request = RecordedRequest("GET", parts.path, query, self.headers.get("Authorization"))
            status, body, headers = fake.answer(request)
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `fake.requests` instead."""

    return Handler
