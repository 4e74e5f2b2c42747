"""Local stand-ins for Slack incoming webhooks, a Twilio-compatible SMS API and a webhook
receiver, each checking the payload shape the real one requires.

Every receiver records what it accepted and what it rejected (with why), and answers from a
script first: `fail(500)`, `fail(429, retry_after=1)`, `hang(seconds)` or `fail(400)`, each
for the next request(s). The webhook receiver verifies the HMAC signature on its own (it does
not use the notifier's code) and de-duplicates on the idempotency key, as a careful receiver
would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 drops connections under concurrent senders (SYN retries: 1 s).
    request_queue_size = 256
    daemon_threads = True


@dataclass
class Scripted:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang_seconds: float = 0.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


class Receiver:
    """A threaded HTTP server on 127.0.0.1:<free port>; subclasses check the payload."""

    ok_status = 200

    def __init__(self) -> None:
        self.received: list[Received] = []  # every request that passed the checks
        self.rejected: list[str] = []  # why requests were refused (400)
        self.script: list[Scripted] = []
        self.arrivals: list[float] = []  # when each request arrived, whatever its answer
        self.arrival_headers: list[dict[str, str]] = []
        self.arrived = threading.Condition()
        self._release = threading.Event()
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def fail(self, status: int, times: int = 1, retry_after: float | None = None) -> None:
        headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else {}
        self.script.extend(Scripted(status, headers) for _ in range(times))

    def answer_normally(self, times: int = 1) -> None:
        """Lets the next request(s) through, so a later scripted answer hits a later one."""
        self.script.extend(Scripted(status=0) for _ in range(times))

    def hang(self, seconds: float, times: int = 1) -> None:
        self.script.extend(Scripted(hang_seconds=seconds) for _ in range(times))

    def wait_for(self, count: int, timeout: float) -> bool:
        """Blocks until `count` requests (of any outcome) arrived."""
        with self.arrived:
            return self.arrived.wait_for(lambda: self.attempts >= count, timeout)

    attempts = 0

    def check(self, path: str, headers: dict[str, str], body: bytes) -> str | None:
        """Why the request is malformed, or None."""
        return None

    def answer(self, received: Received) -> tuple[int, bytes]:
        return self.ok_status, b"ok"

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self.arrived:
            self.attempts += 1
            self.arrivals.append(time.time())
            self.arrival_headers.append(headers)
            scripted = self.script.pop(0) if self.script else None
            self.arrived.notify_all()
        if scripted and scripted.hang_seconds:
            self._release.wait(scripted.hang_seconds)
            scripted = None
        if scripted and scripted.status == 0:
            scripted = None
        if scripted:
            self._reply(handler, scripted.status, b'{"error":"scripted"}', scripted.headers)
            return
        problem = self.check(handler.path, headers, body)
        if problem:
            self.rejected.append(problem)
            self._reply(handler, 400, problem.encode())
            return
        received = Received(handler.path, headers, body, time.time())
        self.received.append(received)
        status, reply = self.answer(received)
        self._reply(handler, status, reply)

    @staticmethod
    def _reply(
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
    ) -> None:
        try:
            handler.send_response(status)
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            # Headers and body in one write: two small writes meet delayed ACKs (~40 ms each).
            handler._headers_buffer.append(b"\r\n")  # type: ignore[attr-defined]
            handler._headers_buffer.append(body)  # type: ignore[attr-defined]
            handler.flush_headers()
        except OSError:
            pass  # the client gave up (timeout); nothing to answer

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                receiver._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


class SlackReceiver(Receiver):
    """Slack's incoming webhook: JSON with fallback `text` and Block Kit `blocks`."""

    _BLOCK_TYPES = {"header", "section", "context", "divider", "actions"}

    def check(self, path: str, headers: dict[str, str], body: bytes) -> str | None:
        if headers.get("content-type", "").split(";")[0] != "application/json":
            return "invalid_payload: content type must be application/json"
        try:
            message = json.loads(body)
        except ValueError:
            return "invalid_payload: not JSON"
        if not isinstance(message.get("text"), str) or not message["text"]:
            return "invalid_payload: missing fallback text"
        blocks = message.get("blocks")
        if not isinstance(blocks, list) or not blocks or len(blocks) > 50:
            return "invalid_blocks: 1 to 50 blocks required"
        for block in blocks:
            if block.get("type") not in self._BLOCK_TYPES:
                return f"invalid_blocks: unknown block type {block.get('type')}"
            if block["type"] == "section" and len(block.get("fields", [])) > 10:
                return "invalid_blocks: a section has at most 10 fields"
            if block["type"] == "header" and len(block["text"]["text"]) > 150:
                return "invalid_blocks: header text over 150 characters"
        return None

    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.received]


class TwilioReceiver(Receiver):
    """POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded, HTTP basic auth."""

    ok_status = 201

    def __init__(self, account_sid: str, auth_token: str) -> None:
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token

    def check(self, path: str, headers: dict[str, str], body: bytes) -> str | None:
        if path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            return f"unknown resource {path}"
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if headers.get("authorization") != f"Basic {expected}":
            return "authenticate: bad credentials"
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return "content type must be form-encoded"
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if not {"To", "From", "Body"} <= form.keys():
            return "To, From and Body are required"
        if len(form["Body"]) > 160:
            return "Body longer than one segment"
        return None

    def answer(self, received: Received) -> tuple[int, bytes]:
        sid = f"SM{len(self.received):032d}"
        return 201, json.dumps({"sid": sid, "status": "queued"}).encode()

    def messages(self) -> list[dict[str, str]]:
        return [{k: v[0] for k, v in parse_qs(r.body.decode()).items()} for r in self.received]


class WebhookReceiver(Receiver):
    """Verifies `Costgrid-Signature: v1=HMAC-SHA256(secret, "<timestamp>.<body>")` and keeps
    one copy per `Idempotency-Key`."""

    def __init__(self, secret: str = "", tolerance_seconds: int = 300) -> None:
        super().__init__()
        self.secret = secret
        self.tolerance = tolerance_seconds
        self.by_key: dict[str, dict[str, Any]] = {}
        self.on_accept: Callable[[Received, dict[str, Any]], None] | None = None

    def check(self, path: str, headers: dict[str, str], body: bytes) -> str | None:
        stamp, signature = (
            headers.get("costgrid-timestamp", ""),
            headers.get("costgrid-signature", ""),
        )
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > self.tolerance:
            return "stale or missing timestamp"
        mac = hmac.new(self.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        if not hmac.compare_digest(f"v1={mac.hexdigest()}", signature):
            return "bad signature"
        if not headers.get("idempotency-key"):
            return "missing idempotency key"
        payload = json.loads(body)
        if not {"idempotency_key", "event_id", "trigger_type", "title", "facts"} <= payload.keys():
            return "payload misses fields"
        if payload["idempotency_key"] != headers["idempotency-key"]:
            return "the body's idempotency key is not the header's"
        return None

    def answer(self, received: Received) -> tuple[int, bytes]:
        payload = json.loads(received.body)
        key = received.headers["idempotency-key"]
        if key not in self.by_key:
            self.by_key[key] = payload
            if self.on_accept:
                self.on_accept(received, payload)
        return 200, b"ok"
