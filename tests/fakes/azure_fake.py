"""A loopback fake of Entra ID's token endpoint and the Cost Management query API.

Speaks the REST wire format (see PROVIDERS.md section 2): client-credentials token POSTs,
`POST /{scope}/providers/Microsoft.CostManagement/query?api-version=...` answered with
`{"properties": {"nextLink", "columns", "rows"}}`, `$skiptoken` paging, and whatever status,
headers and raw bodies a test scripts. Every request is recorded.
"""

from __future__ import annotations

import base64
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

QUERY_SUFFIX = "/providers/Microsoft.CostManagement/query"
DEFAULT_COLUMNS = [
    {"name": "Cost", "type": "Number"},
    {"name": "UsageDate", "type": "Number"},
    {"name": "ServiceName", "type": "String"},
    {"name": "ResourceLocation", "type": "String"},
    {"name": "Currency", "type": "String"},
]


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Scripted:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def arm_error(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


def page_token(index: int) -> str:
    # Real tokens are base64 with '=' padding, which must survive URL encoding.
    return base64.b64encode(f"page-{index}".encode()).decode()


class AzureFake:
    def __init__(
        self,
        *,
        tenant_id: str = "tenant-1",
        client_id: str = "client-1",
        client_secret: str = "s3cret",
    ) -> None:
        self.tenant_id, self.client_id, self.client_secret = tenant_id, client_id, client_secret
        self.columns: list[dict[str, str]] = list(DEFAULT_COLUMNS)
        self.pages: list[list[list[Any]]] = [[]]  # rows per page; page 0 answers the first POST
        self.scripted: deque[Scripted] = deque()  # answers to query POSTs, used before `pages`
        self.requests: list[Recorded] = []
        self._issued: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> AzureFake:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def enqueue(
        self,
        status: int,
        *,
        json_body: Any = None,
        raw: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = raw.encode() if isinstance(raw, str) else raw
        if body is None and json_body is not None:
            body = json.dumps(json_body).encode()
        self.scripted.append(Scripted(status, body or b"", dict(headers or {})))

    def token_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/oauth2/v2.0/token")]

    def query_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith(QUERY_SUFFIX)]

    # --- request handling (runs on the server's threads) ---

    def handle(self, req: Recorded) -> Scripted:
        with self._lock:
            self.requests.append(req)
            if req.path == f"/{self.tenant_id}/oauth2/v2.0/token":
                return self._token(req)
            if req.method == "POST" and req.path.endswith(QUERY_SUFFIX):
                return self._query(req)
            return Scripted(404, arm_error("NotFound", f"no route for {req.path}"))

    def _token(self, req: Recorded) -> Scripted:
        form = req.form()
        if form.get("client_id") != self.client_id or form.get("client_secret") != (
            self.client_secret
        ):
            return _json(
                401,
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided. "
                    "Ensure the secret being sent in the request is the client secret value.\r\n"
                    "Trace ID: 0000",
                },
            )
        token = f"token-{len(self._issued) + 1}"
        self._issued.add(token)
        return _json(200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token})

    def _query(self, req: Recorded) -> Scripted:
        bearer = req.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self._issued:
            return Scripted(401, arm_error("InvalidAuthenticationToken", "token not issued here"))
        if self.scripted:
            return self.scripted.popleft()
        token = req.query.get("$skiptoken", [None])[0]
        index = 0 if token is None else self._page_index(token)
        if index is None:
            return Scripted(400, arm_error("BadRequest", f"unknown $skiptoken {token}"))
        next_link = None
        if index + 1 < len(self.pages):
            next_link = (
                f"{self.base_url}{req.path}?api-version={req.query['api-version'][0]}"
                f"&$skiptoken={quote(page_token(index + 1), safe='')}"
            )
        props = {"nextLink": next_link, "columns": self.columns, "rows": self.pages[index]}
        return _json(
            200, {"id": "q-1", "type": "microsoft.costmanagement/Query", "properties": props}
        )

    def _page_index(self, token: str) -> int | None:
        for i in range(1, len(self.pages)):
            if page_token(i) == token:
                return i
        return None


def _json(status: int, body: Any) -> Scripted:
    return Scripted(status, json.dumps(body).encode(), {"Content-Type": "application/json"})


def _handler_for(fake: AzureFake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            url = urlsplit(self.path)
            req = Recorded(
                method="POST",
                path=url.path,
                query=parse_qs(url.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length),
            )
            answer = fake.handle(req)
            self.send_response(answer.status)
            headers = {"Content-Type": "application/json", **answer.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            if answer.status != 204:
                self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if answer.status != 204:
                self.wfile.write(answer.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
