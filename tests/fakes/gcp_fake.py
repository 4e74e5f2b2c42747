"""A local stand-in for Cloud Billing (v1 REST) and BigQuery (v2 REST) on one loopback port.

It speaks the wire formats the real SDKs expect (PROVIDERS.md 3.2 and 3.4): jobs.query,
jobs.get, getQueryResults paging with pageToken, every scalar cell a string. It cannot run
SQL, so for a query over a known export table it does what our query asks BigQuery to do:
keep the rows whose usage_start_time is in [@start, @end) and sum cost and credits per
(UTC day, service, project, region, cost type, currency). Callers are authenticated for
real: each request's bearer JWT must be signed by the registered service-account key.
The test key names a universe other than googleapis.com, which is what keeps google-auth
from calling Google's IAM (token exchange, Regional Access Boundary lookup) off loopback.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from google.auth import jwt

RESULT_COLUMNS = [
    ("usage_day", "DATE"),
    ("service", "STRING"),
    ("project_id", "STRING"),
    ("project_name", "STRING"),
    ("region", "STRING"),
    ("cost_type", "STRING"),
    ("currency", "STRING"),
    ("cost", "NUMERIC"),
    ("credits", "NUMERIC"),
]


@dataclass
class ExportRow:
    """One row of a standard billing export table (only the columns the query reads)."""

    usage_start_time: datetime
    service: str
    project_id: str | None
    project_name: str | None
    region: str | None
    cost: Decimal
    currency: str = "USD"
    credits: list[Decimal] = field(default_factory=list)
    cost_type: str = "regular"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    authorization: str


@dataclass
class _Fault:
    path_contains: str
    status: int
    body: str
    times: int


class GcpFake:
    def __init__(self, *, service_account_email: str, public_key_pem: bytes) -> None:
        self.sa_email = service_account_email
        self.public_key_pem = public_key_pem
        self.accounts: dict[str, dict[str, Any]] = {}
        self.projects: dict[str, list[str]] = defaultdict(list)
        self.tables: dict[str, list[ExportRow]] = {}
        self.project_page_size = 2
        self.result_page_size = 2
        self.requests: list[Recorded] = []
        self._faults: list[_Fault] = []
        self._jobs: dict[str, list[list[dict[str, Any]]]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> GcpFake:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.server_close()

    def add_account(
        self, account_id: str, name: str, *, currency: str = "USD", open_: bool = True
    ) -> None:
        self.accounts[account_id] = {
            "name": f"billingAccounts/{account_id}",
            "open": open_,
            "displayName": name,
            "masterBillingAccount": "",
            "currencyCode": currency,
        }

    def fail_next(
        self,
        path_contains: str,
        status: int,
        *,
        reason: str = "",
        message: str = "",
        times: int = 1,
    ) -> None:
        """The next `times` requests whose path contains `path_contains` get a Google error."""
        body = json.dumps(_error(status, message or reason, reason))
        self._faults.append(_Fault(path_contains, status, body, times))

    def answer_next(self, path_contains: str, raw_body: str) -> None:
        """The next request whose path contains `path_contains` gets `raw_body` with a 200."""
        self._faults.append(_Fault(path_contains, 200, raw_body, 1))

    def requests_to(self, path_contains: str) -> list[Recorded]:
        return [r for r in self.requests if path_contains in r.path]

    # -- request handling, called from the server threads ------------------------------

    def handle(self, rec: Recorded) -> tuple[int, Any]:
        with self._lock:
            self.requests.append(rec)
            fault = self._take_fault(rec.path)
        if fault is not None:
            return fault.status, fault.body
        if not self._authenticated(rec.authorization):
            return 401, _error(401, "Request had invalid authentication credentials.", "authError")
        if rec.path.startswith("/v1/billingAccounts/"):
            return self._billing(rec)
        if rec.path.startswith("/bigquery/v2/projects/"):
            return self._bigquery(rec)
        return 404, _error(404, f"no such method {rec.path}", "notFound")

    def _take_fault(self, path: str) -> _Fault | None:
        for fault in self._faults:
            if fault.path_contains in path:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _authenticated(self, authorization: str) -> bool:
        scheme, _, credential = authorization.partition(" ")
        if scheme != "Bearer" or not credential:
            return False
        # Keys outside the googleapis.com universe always sign their own JWTs.
        return self._valid_jwt(credential)

    def _valid_jwt(self, assertion: str) -> bool:
        try:
            claims = jwt.decode(assertion, certs=self.public_key_pem, verify=True, audience=None)
        except ValueError:
            return False
        return claims.get("iss") == self.sa_email

    def _billing(self, rec: Recorded) -> tuple[int, Any]:
        match = re.fullmatch(r"/v1/billingAccounts/([^/]+)(/projects)?", rec.path)
        account = self.accounts.get(match.group(1)) if match else None
        if match is None or account is None:
            return 403, _error(403, "The caller does not have permission", "forbidden")
        if not match.group(2):
            return 200, account
        projects = self.projects[match.group(1)]
        start = int(rec.query.get("pageToken", ["0"])[0])
        end = start + self.project_page_size
        page: dict[str, Any] = {
            "projectBillingInfo": [
                {
                    "name": f"projects/{p}/billingInfo",
                    "projectId": p,
                    "billingAccountName": account["name"],
                    "billingEnabled": True,
                }
                for p in projects[start:end]
            ]
        }
        if end < len(projects):
            page["nextPageToken"] = str(end)
        return 200, page

    def _bigquery(self, rec: Recorded) -> tuple[int, Any]:
        parts = rec.path.split("/")  # '', bigquery, v2, projects, {p}, kind, [id]
        project, kind = parts[4], parts[5]
        job_id = parts[6] if len(parts) > 6 else None
        if rec.method == "POST" and kind in ("queries", "jobs"):
            return self._run_query(project, rec.body, dry_run=kind == "jobs")
        if job_id is None or job_id not in self._jobs:
            return 404, _error(404, f"Not found: Job {project}:{job_id}", "notFound")
        reference = {"projectId": project, "jobId": job_id, "location": "US"}
        if kind == "jobs":
            return 200, {
                "kind": "bigquery#job",
                "jobReference": reference,
                "status": {"state": "DONE"},
            }
        page = int(rec.query.get("pageToken", ["p0"])[0][1:])
        return 200, self._page(job_id, reference, page, "bigquery#getQueryResultsResponse")

    def _run_query(self, project: str, body: dict[str, Any], *, dry_run: bool) -> tuple[int, Any]:
        if dry_run and not body["configuration"].get("dryRun"):
            return 400, _error(400, "this fake runs queries through jobs.query only", "invalid")
        config = body["configuration"]["query"] if dry_run else body
        if config.get("useLegacySql") is not False or config.get("parameterMode") != "NAMED":
            return 400, _error(400, "expected a named-parameter standard SQL query", "invalidQuery")
        table = re.search(r"FROM `([^`]+)`", config["query"])
        if table is None or table.group(1) not in self.tables:
            name = table.group(1) if table else "?"
            return 404, _error(
                404, f"Not found: Table {name} was not found in location US", "notFound"
            )
        missing = [c for c, _ in RESULT_COLUMNS if f"AS {c}" not in config["query"]]
        if missing:
            return 400, _error(400, f"Unrecognized name: {missing[0]}", "invalidQuery")
        params = {
            p["name"]: p["parameterValue"]["value"] for p in config.get("queryParameters", [])
        }
        job_id = f"job_{uuid.uuid4().hex[:12]}"
        reference = {"projectId": project, "jobId": job_id, "location": "US"}
        if dry_run:
            stats = {"query": {"totalBytesProcessed": "1024"}, "totalBytesProcessed": "1024"}
            return 200, {
                "kind": "bigquery#job",
                "jobReference": reference,
                "configuration": body["configuration"],
                "status": {"state": "DONE"},
                "statistics": stats,
            }
        start, end = (datetime.fromisoformat(params[p]) for p in ("start", "end"))
        rows = _aggregate(self.tables[table.group(1)], start, end)
        size = self.result_page_size
        self._jobs[job_id] = [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]
        return 200, self._page(job_id, reference, 0, "bigquery#queryResponse")

    def _page(self, job_id: str, reference: dict[str, str], page: int, kind: str) -> dict[str, Any]:
        pages = self._jobs[job_id]
        answer: dict[str, Any] = {
            "kind": kind,
            "jobComplete": True,
            "jobReference": reference,
            "totalRows": str(sum(len(p) for p in pages)),
            "schema": {
                "fields": [{"name": n, "type": t, "mode": "NULLABLE"} for n, t in RESULT_COLUMNS]
            },
            "rows": pages[page],
        }
        if page + 1 < len(pages):
            answer["pageToken"] = f"p{page + 1}"
        return answer


def _aggregate(rows: list[ExportRow], start: datetime, end: datetime) -> list[dict[str, Any]]:
    sums: dict[tuple[Any, ...], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        if start <= row.usage_start_time < end:
            key = (
                row.usage_start_time.date().isoformat(),
                row.service,
                row.project_id,
                row.project_name,
                row.region,
                row.cost_type,
                row.currency,
            )
            sums[key][0] += row.cost
            sums[key][1] += sum(row.credits, Decimal(0))
    return [
        {"f": [{"v": v} for v in key] + [{"v": str(cost)}, {"v": str(credits)}]}
        for key, (cost, credits) in sorted(
            sums.items(), key=lambda kv: tuple(str(k) for k in kv[0])
        )
    ]


def _error(code: int, message: str, reason: str) -> dict[str, Any]:
    errors = [{"reason": reason, "message": message, "domain": "global"}] if reason else []
    status = _STATUS.get(code, "UNKNOWN")
    return {"error": {"code": code, "message": message, "status": status, "errors": errors}}


_STATUS = dict(
    zip(
        (400, 401, 403, 404, 429, 500, 503),
        "INVALID_ARGUMENT UNAUTHENTICATED PERMISSION_DENIED NOT_FOUND RESOURCE_EXHAUSTED "
        "INTERNAL UNAVAILABLE".split(),
        strict=True,
    )
)


def _handler_for(fake: GcpFake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            body = json.loads(raw) if raw else None
            rec = Recorded(
                self.command,
                split.path,
                parse_qs(split.query),
                body,
                self.headers.get("Authorization", ""),
            )
            status, answer = fake.handle(rec)
            payload = (answer if isinstance(answer, str) else json.dumps(answer)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
