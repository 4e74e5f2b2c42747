"""Schemathesis over every operation that takes a date, with the dates drawn from the edges
of the calendar as well as from the schema: never a 5xx, and a date outside the supported
range is never accepted."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.support.gateway_stack import Stack

MAX_EXAMPLES = 10
EDGE_DAYS = ["0001-01-01", "1999-12-31", "2000-01-01", "2024-02-29", "2099-12-31", "2100-01-01",
             "9999-12-31", "2023-02-29"]  # fmt: skip
# Where each kind of date appears, by field name: days, months, years, instants.
DAYS = {"as_of_date", "effective_from"}
MONTHS = {"period"}
YEARS = {"year", "period_year"}
MOMENTS = {"effective_time", "start_time", "expire_time"}
DATE_FIELDS = DAYS | MONTHS | YEARS | MOMENTS


def _edges(name: str) -> list[Any]:
    if name in MONTHS:
        return sorted({day[:7] for day in EDGE_DAYS})
    if name in YEARS:
        return sorted({int(day[:4]) for day in EDGE_DAYS})
    if name in MOMENTS:
        return [f"{day}T00:00:00Z" for day in EDGE_DAYS] + ["9999-12-31T23:59:59-14:00"]
    return EDGE_DAYS


def _outside(value: Any) -> bool:
    """A date, month, year or instant whose year is outside 2000..2099."""
    year = str(value)[:4]
    return year.isdigit() and not 2000 <= int(year) <= 2099


def _body_ref(operation: dict[str, Any]) -> str:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    return str(content.get("schema", {}))


def _plain(schema: dict[str, Any]) -> bool:
    """A string or integer, not an enum or object that merely shares a date's name (a
    budget's `period` is monthly/quarterly/yearly, an invoice's is a date range)."""
    text = json.dumps(schema)
    return "$ref" not in text and '"enum"' not in text


def date_document(document: dict[str, Any]) -> tuple[dict[str, Any], set[tuple[str, str]]]:
    """The document with every date field required and drawn from the edges, and the
    operations that take one. (Malformed dates are the general schemathesis run's part.)"""
    doc = copy.deepcopy(document)
    dated_components = set()
    for name, component in doc["components"]["schemas"].items():
        for field, prop in component.get("properties", {}).items():
            if field in DATE_FIELDS and _plain(prop):
                component["properties"][field] = {"enum": _edges(field)}
                component["required"] = [*component.get("required", []), field]
                dated_components.add(name)
    dated = set()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for param in operation.get("parameters", []):
                if param["name"] in DATE_FIELDS and _plain(param["schema"]):
                    param["schema"] = {"enum": _edges(param["name"])}
                    param["required"] = True
                    dated.add((method.upper(), path))
            if any(f"/{name}'" in _body_ref(operation) for name in dated_components):
                dated.add((method.upper(), path))
    return doc, dated


def _dates_in(case: schemathesis.Case) -> list[Any]:
    found = [v for part in (case.query, case.path_parameters) for k, v in (part or {}).items()
             if k in DATE_FIELDS]  # fmt: skip
    stack = [case.body] if isinstance(case.body, dict) else []
    while stack:
        item = stack.pop()
        for key, value in item.items():
            if key in DATE_FIELDS:
                found.append(value)
            elif isinstance(value, dict):
                stack.append(value)
    return found


def _run(document: dict[str, Any], base_url: str, token: str) -> tuple[int, list[str]]:
    """Blocking: runs in a thread so the gateway (on the test's event loop) keeps serving."""
    doc, dated = date_document(document)
    schema = schemathesis.openapi.from_dict(doc)
    failures: list[str] = []
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in dated:
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
            body = case.body if isinstance(case.body, dict) else ""
            where = f"{case.method} {case.formatted_path} {case.query} {body}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code} {response.text[:200]}")
            elif response.status_code < 300 and any(_outside(v) for v in _dates_in(case)):
                failures.append(f"{where}: accepted ({response.status_code})")

        check()
    return len(dated), failures


async def test_generated_requests_with_edge_dates_never_fail_or_pass(stack: Stack) -> None:
    document = (await stack.http().get("/api/v1/openapi.json")).json()
    operations, failures = await asyncio.wait_for(
        asyncio.to_thread(_run, document, stack.base_url, stack.tokens["org-b:admin"]),
        timeout=180,
    )
    assert operations >= 10
    assert failures == [], "\n".join(failures)
