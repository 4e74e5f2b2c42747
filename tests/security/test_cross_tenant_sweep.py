"""The second organization's admin calls every operation of the OpenAPI document with the
first organization's ids (in the path, and in every id-like query or body field): nothing of
the first organization comes back, nothing of it changes, and nothing fails with a 5xx.

The sweep reads the document, not a list: a new route is swept the day it is added, and a
route the sweep cannot fill (a path parameter or body it has no value for) fails it."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.gateway.http.registry import API_PREFIX
from tests.integration.gateway.routes import all_routes
from tests.security.first_org import MARKER
from tests.support.gateway_stack import Stack

METHODS = ("get", "put", "post", "patch", "delete")
# Query and body fields that name another object, and which of the first org's ids fills them.
REFERENCES = {
    "account_id": "account_id",
    "provider_id": "account_id",
    "account_ids": "account_id",
    "budget_id": "budget_id",
    "channel_id": "channel_id",
    "channel_ids": "channel_id",
    "rule_id": "rule_id",
    "plan_id": "plan_id",
    "price_book_name": "price_book_name",
    "tenant_id": "tenant_id",
    "invoice_id": "invoice_id",
    "statement_id": "statement_id",
    "anomaly_id": "anomaly_id",
    "job_id": "job_id",
    "token_id": "token_id",
}
# Outcomes per item, not per request: another org's tenant in a usage event is that event's
# UNKNOWN_TENANT result (the same as a tenant nobody has), so the request itself is 200.
PER_ITEM_OUTCOMES = {("POST", "/metering/usage")}
EXAMPLES = {(r.method, r.path): r.example for r in all_routes()}
# The first org's objects as it reads them, before and after the sweep.
SNAPSHOTS = (
    "/cloud-accounts/{account_id}",
    "/cloud-accounts/{account_id}/billing-settings",
    "/budgets/{budget_id}",
    "/notification-channels/{channel_id}",
    "/rules/{rule_id}",
    "/invoices/{invoice_id}",
    "/issuer-profile",
    "/costs/anomalies/{anomaly_id}",
    "/costs/sync/{job_id}",
    "/metering/plans/{plan_id}",
    "/metering/tenants/{tenant_id}",
    "/metering/statements/{statement_id}",
)


@dataclass
class Call:
    method: str
    path: str  # below /api/v1, as the document names it
    url: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    aims_at_first_org: bool = False  # a path id or a body reference is the first org's
    unfilled: list[str] = field(default_factory=list)


def _schema(document: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    """The object schema behind a $ref or an optional (anyOf [..., null])."""
    while schema:
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in schema:
            schema = next((s for s in schema["anyOf"] if s.get("type") != "null"), {})
        else:
            return schema
    return {}


def _reference(name: str, ids: dict[str, Any], schema: dict[str, Any]) -> Any:
    value = ids[REFERENCES[name]]
    return [value] if schema.get("type") == "array" or name.endswith("_ids") else value


def _aim(document: dict[str, Any], schema: Any, body: dict[str, Any], ids: dict[str, Any]) -> bool:
    """Puts the first org's ids into the reference fields the body schema declares, at the top
    and inside the objects and lists the example fills; True when it put any."""
    aimed = False
    for name, prop in _schema(document, schema).get("properties", {}).items():
        inner = _schema(document, prop)
        if name in REFERENCES:
            body[name] = _reference(name, ids, inner)
            aimed = True
        elif isinstance(body.get(name), dict):
            aimed |= _aim(document, prop, body[name], ids)
        elif isinstance(body.get(name), list) and inner.get("type") == "array":
            for item in body[name]:
                if isinstance(item, dict):
                    aimed |= _aim(document, inner.get("items"), item, ids)
    return aimed


def build_call(
    document: dict[str, Any], path: str, method: str, operation: dict[str, Any], ids: dict[str, Any]
) -> Call:
    call = Call(method.upper(), path.removeprefix(API_PREFIX))
    url = path
    for param in operation.get("parameters", []):
        name = param["name"]
        if param["in"] == "path":
            if name not in ids:
                call.unfilled.append(f"path parameter {name}")
                continue
            url = url.replace("{" + name + "}", str(ids[name]))
            call.aims_at_first_org = True
        elif param["in"] == "query" and name in REFERENCES:
            call.params[name] = ids[REFERENCES[name]]
    call.url = url
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is not None:
        example = EXAMPLES.get((call.method, call.path))
        if example is None and operation["requestBody"].get("required"):
            call.unfilled.append("request body (the route has no example)")
            return call
        call.body = copy.deepcopy(example) if example is not None else {}
        # A path id already aims the call; a body reference besides would only muddle why.
        if not call.aims_at_first_org and _aim(document, content["schema"], call.body, ids):
            call.aims_at_first_org = (call.method, call.path) not in PER_ITEM_OUTCOMES
    return call


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


async def _snapshot(admin: httpx.AsyncClient, ids: dict[str, Any]) -> dict[str, Any]:
    taken = {}
    for path in SNAPSHOTS:
        response = await admin.get(API_PREFIX + path.format(**ids))
        assert response.status_code == 200, f"{path}: {response.text}"
        taken[path] = response.json()
    tokens = (await admin.get("/api/v1/tokens", params={"page_size": 500})).json()["tokens"]
    taken["token"] = next(t for t in tokens if t["id"] == ids["token_id"])
    return taken


def _problem(call: Call, response: httpx.Response) -> str | None:
    if response.status_code >= 500:
        return f"{response.status_code} {response.text[:200]}"
    if MARKER in response.text:
        return f"{response.status_code} shows the first org's data: {response.text[:200]}"
    if call.aims_at_first_org and not _refused(call, response):
        return f"{response.status_code} (expected 404) {response.text[:200]}"
    return None


def _refused(call: Call, response: httpx.Response) -> bool:
    """404 (403 for a role), or a 400 about the request's shape that never got as far as the
    first org's object; a reference refused as invalid (400 on it) should have been a 404."""
    if response.status_code in (403, 404):
        return True
    if response.status_code != 400:
        return False
    refused = str(response.json()["error"]["details"].get("field", ""))
    return refused.rsplit(".", 1)[-1] not in REFERENCES and refused not in call.params


async def test_second_org_reaches_nothing_of_the_first_on_any_route(
    stack: Stack, first_org: dict[str, Any]
) -> None:
    document = (await stack.http().get("/api/v1/openapi.json")).json()
    first = stack.http(stack.tokens["default:admin"])
    before = await _snapshot(first, first_org)
    second = stack.http(stack.tokens["org-b:admin"])
    swept, failures = 0, []
    for path, method, operation in operations(document):
        call = build_call(document, path, method, operation, first_org)
        if call.unfilled:
            failures.append(f"{call.method} {call.path}: cannot fill {', '.join(call.unfilled)}")
            continue
        response = await second.request(call.method, call.url, params=call.params, json=call.body)
        swept += 1
        if problem := _problem(call, response):
            failures.append(f"{call.method} {call.path}: {problem}")
    print(f"swept {swept} of {len(operations(document))} operations")
    assert failures == [], "\n".join(failures)
    assert swept == len(operations(document)) >= len(all_routes())
    assert await _snapshot(first, first_org) == before
