"""A scripted AWS endpoint on 127.0.0.1 for what moto cannot do (throttling, errors, bad bodies).

It speaks enough of both AWS wire formats for our connectors: JSON 1.1 operations are named
by the `X-Amz-Target` header (`AWSInsightsIndexService.GetCostAndUsage` -> "GetCostAndUsage"),
query-protocol ones (STS) by the form field `Action`. Each operation answers from its queue
of scripted replies, then from its standing reply, else with a 500 that says nothing was
scripted. Every request is recorded, so tests can assert what the client sent and how often.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

JSON_11 = "application/x-amz-json-1.1"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = JSON_11


@dataclass(frozen=True)
class Recorded:
    operation: str
    params: Any  # parsed JSON body, or the query form as {field: value}
    headers: dict[str, str]


class AwsFake:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Reply]] = {}
        self._standing: dict[str, Reply] = {}
        self.requests: list[Recorded] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval keeps shutdown(), and so each test's teardown, quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> AwsFake:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def reply(self, operation: str, reply: Reply, *, times: int = 1) -> None:
        with self._lock:
            self._queues.setdefault(operation, deque()).extend([reply] * times)

    def reply_always(self, operation: str, reply: Reply) -> None:
        with self._lock:
            self._standing[operation] = reply

    def calls(self, operation: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.operation == operation]

    def _answer(self, recorded: Recorded) -> Reply:
        with self._lock:
            self.requests.append(recorded)
            queue = self._queues.get(recorded.operation)
            if queue:
                return queue.popleft()
            standing = self._standing.get(recorded.operation)
        if standing is not None:
            return standing
        return json_error(
            "InternalFailure", f"fake: no reply scripted for {recorded.operation}", 500
        )


def json_ok(body: Any) -> Reply:
    return Reply(200, json.dumps(body).encode())


def json_error(code: str, message: str, status: int = 400) -> Reply:
    return Reply(status, json.dumps({"__type": code, "message": message}).encode())


def query_error(code: str, message: str, status: int = 403) -> Reply:
    """An error the way query-protocol services such as STS send it."""
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>fake-request</RequestId></ErrorResponse>"
    )
    return Reply(status, body.encode(), "text/xml")


def _handler_for(fake: AwsFake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            reply = fake._answer(_record(dict(self.headers.items()), raw))
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("x-amzn-RequestId", "fake-request")
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `fake.requests` instead of the access log."""

    return Handler


def _record(headers: dict[str, str], raw: bytes) -> Recorded:
    target = headers.get("X-Amz-Target")
    if target:
        try:
            params: Any = json.loads(raw or b"{}")
        except ValueError:
            params = raw.decode(errors="replace")
        return Recorded(target.rsplit(".", 1)[-1], params, headers)
    form = {k: v[0] for k, v in parse_qs(raw.decode(errors="replace")).items()}
    return Recorded(form.get("Action", "?"), form, headers)
