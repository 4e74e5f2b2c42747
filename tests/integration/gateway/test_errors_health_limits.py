"""One error shape, the request id, health, rate limits and the OpenAPI document."""

import pytest
from openapi_spec_validator import validate

from services.common.server import start
from services.gateway.bootstrap import GatewayState, definition
from tests.integration.gateway.routes import all_routes
from tests.support.gateway_stack import Stack


async def _extra_gateway(stack: Stack, **update: object):  # type: ignore[no-untyped-def]
    """A second gateway process on the same services, with other settings."""
    state = GatewayState()
    settings = stack.settings.model_copy(update={"gateway_addr": "127.0.0.1:0", **update})
    running = await start(definition(state), settings)
    return running, f"http://127.0.0.1:{state.http_port}"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/costs/trend?days=abc", "days"),
        ("/api/v1/costs/trend?granularity=hour", "granularity"),
        ("/api/v1/costs/forecast?days=45", "days"),
        ("/api/v1/budgets/not-a-number", "budget_id"),
        ("/api/v1/invoices?status=lost", "status"),
    ],
)
async def test_bad_query_or_path_is_400_naming_the_field(
    stack: Stack, path: str, field: str
) -> None:
    response = await stack.http(stack.tokens["default:viewer"]).get(path)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "INVALID_ARGUMENT" and error["details"]["field"] == field
    assert field in error["message"]


async def test_bad_body_is_400_naming_the_nested_field(stack: Stack) -> None:
    client = stack.http(stack.tokens["default:member"])
    response = await client.post(
        "/api/v1/budgets", json={"amount": {"amount": "lots", "currency": "USD"}}
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"]["field"] == "amount.amount"
    unknown = await client.post("/api/v1/budgets", json={"colour": "red"})
    assert unknown.status_code == 400 and unknown.json()["error"]["details"]["field"] == "colour"


async def test_malformed_json_is_400_not_500(stack: Stack) -> None:
    client = stack.http(stack.tokens["default:member"])
    response = await client.post(
        "/api/v1/budgets", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "INVALID_ARGUMENT"


async def test_service_validation_error_keeps_its_field(stack: Stack) -> None:
    response = await stack.http(stack.tokens["default:member"]).post(
        "/api/v1/costs/sync", json={"days_back": 400}
    )
    assert (
        response.status_code == 400 and response.json()["error"]["details"]["field"] == "days_back"
    )


async def test_every_response_carries_a_request_id_and_echoes_the_callers(stack: Stack) -> None:
    client = stack.http()
    for path in ("/api/v1/health", "/api/v1/budgets", "/api/v1/no-such-route"):
        response = await client.get(path)
        assert len(response.headers["x-request-id"]) >= 16
    echoed = await client.get("/api/v1/budgets", headers={"X-Request-ID": "req-abc-123"})
    assert echoed.headers["x-request-id"] == "req-abc-123"
    unknown = await client.get("/api/v1/no-such-route")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "NOT_FOUND"


async def test_health_is_200_when_every_service_serves(stack: Stack) -> None:
    response = await stack.http().get("/api/v1/health")
    assert response.status_code == 200, response.text
    assert set(response.json()["services"].values()) == {"SERVING"}


async def test_health_is_503_naming_the_service_that_is_down(stack: Stack) -> None:
    running, base = await _extra_gateway(stack, notifier_addr="127.0.0.1:1")
    try:
        async with stack.client() as client:
            response = await client.get(f"{base}/api/v1/health")
    finally:
        await running.stop(grace=1)
    assert response.status_code == 503
    assert response.json()["services"]["notifier"] == "UNREACHABLE"
    assert response.json()["services"]["ingest"] == "SERVING"


async def test_unreachable_service_is_503_in_the_error_shape(stack: Stack) -> None:
    running, base = await _extra_gateway(stack, budgets_addr="127.0.0.1:1")
    try:
        async with stack.client(stack.tokens["default:viewer"]) as client:
            response = await client.get(f"{base}/api/v1/budgets")
    finally:
        await running.stop(grace=1)
    assert (
        response.status_code == 503 and response.json()["error"]["details"]["service"] == "budgets"
    )


async def test_rate_limit_is_per_token_with_retry_after(stack: Stack) -> None:
    running, base = await _extra_gateway(
        stack, gateway_rate_limit_per_second=0.5, gateway_rate_limit_burst=3
    )
    try:
        async with stack.client(stack.tokens["default:viewer"]) as viewer:
            codes = [(await viewer.get(f"{base}/api/v1/budgets")).status_code for _ in range(4)]
            limited = await viewer.get(f"{base}/api/v1/budgets")
        async with stack.client(stack.tokens["default:member"]) as member:
            other = await member.get(f"{base}/api/v1/budgets")
    finally:
        await running.stop(grace=1)
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"]["code"] == "RATE_LIMITED"
    assert other.status_code == 200


async def test_openapi_document_is_valid_and_lists_every_route(stack: Stack) -> None:
    document = (await stack.http().get("/api/v1/openapi.json")).json()
    validate(document)
    for route in all_routes():
        operation = document["paths"][route.full_path][route.method.lower()]
        assert operation["x-costgrid-role"] == route.role
        assert operation["security"], f"{route.method} {route.path} must declare bearer auth"
    assert "/api/v1/health" in document["paths"]
