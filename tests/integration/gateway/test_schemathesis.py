"""Schemathesis against the live OpenAPI document: generated requests to every GET route and
a few writes, as the first org's admin; no 5xx at all."""

import asyncio
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.support.gateway_stack import Stack

MAX_EXAMPLES = 5
WRITES = {
    ("POST", "/api/v1/budgets"),
    ("POST", "/api/v1/costs/sync"),
    ("POST", "/api/v1/tokens"),
    ("PATCH", "/api/v1/budgets/{budget_id}"),
    ("POST", "/api/v1/costs/anomalies/{anomaly_id}/dismiss"),
}
ALLOWED_5XX: set[int] = set()


def _run(document: dict[str, Any], base_url: str, token: str) -> list[str]:
    """Blocking: runs in a thread so the gateway (on the test's event loop) keeps serving."""
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    for result in schema.get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        if operation.method.upper() != "GET" and key not in WRITES:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call(base_url=base_url, session=session, timeout=10)
            if response.status_code >= 500 and response.status_code not in ALLOWED_5XX:
                failures.append(
                    f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}"
                )
            assert "x-request-id" in response.headers

        check()
    return failures


async def test_generated_requests_never_get_a_server_error(stack: Stack) -> None:
    document = (await stack.http().get("/api/v1/openapi.json")).json()
    failures = await asyncio.wait_for(
        asyncio.to_thread(_run, document, stack.base_url, stack.tokens["default:admin"]),
        timeout=120,
    )
    assert failures == []
