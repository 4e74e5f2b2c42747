"""Bodies are capped before authentication and parsing; oversized gRPC messages are the
caller's mistake (413 / INVALID_ARGUMENT naming the limit), never "slow down" (429)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import grpc
import httpx
import pytest

from services.common.caller import Caller
from services.common.errors_client import error_info
from services.common.server import start
from services.gateway.bootstrap import GatewayState, definition
from services.gateway.http.body_limit import BodyLimitMiddleware
from tests.support.gateway_stack import Stack
from tests.support.grpc_client import channel_as
from tests.support.service_process import free_port, peak_rss_bytes, spawn

MB = 1024 * 1024
CHUNK = b"x" * (64 * 1024)
USAGE = "/api/v1/metering/usage"


async def _chunks(total: int) -> AsyncIterator[bytes]:
    for _ in range(total // len(CHUNK)):
        yield CHUNK


async def _extra_gateway(stack: Stack, **update: object):  # type: ignore[no-untyped-def]
    state = GatewayState()
    settings = stack.settings.model_copy(update={"gateway_addr": "127.0.0.1:0", **update})
    running = await start(definition(state), settings)
    return running, f"http://127.0.0.1:{state.http_port}"


@pytest.fixture(scope="module")
async def gateway_process(stack: Stack, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A gateway of its own process, so its memory is its own (the stack shares this one)."""
    http = free_port()
    log = tmp_path_factory.mktemp("gateway") / "gateway.log"
    process = spawn(
        "gateway", stack.settings, log, free_port(), COSTGRID_GATEWAY_HTTP_ADDR=f"127.0.0.1:{http}"
    )
    base = f"http://127.0.0.1:{http}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for _ in range(300):
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get("/api/v1/health/live")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
            else:
                raise AssertionError(f"the gateway did not start: {log.read_text()[-2000:]}")
            # Warm: the first refusal loads what every later one uses.
            await client.post(USAGE, content=b"x" * (11 * MB))
            yield process, client
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_100_mb_body_without_a_token_is_413_and_memory_stays_flat(
    stack: Stack,
    gateway_process,
    declared: bool,  # type: ignore[no-untyped-def]
) -> None:
    process, client = gateway_process
    size = 100 * MB
    headers = {"content-type": "application/json"}
    if declared:
        headers["content-length"] = str(size)
    before = peak_rss_bytes(process.pid)

    response = await client.post(USAGE, content=_chunks(size), headers=headers)

    grown = peak_rss_bytes(process.pid) - before
    assert response.status_code == 413, response.text[:300]
    error = response.json()["error"]
    limit = stack.settings.gateway_max_body_bytes
    assert error["code"] == "PAYLOAD_TOO_LARGE" and error["details"]["limit_bytes"] == limit
    assert str(limit) in error["message"]
    assert grown < 20 * MB, f"the gateway's peak memory grew {grown / MB:.0f} MB for a 100 MB body"


async def test_the_body_cap_is_configurable_and_authenticated_callers_get_it_too(
    stack: Stack,
) -> None:
    running, base = await _extra_gateway(stack, gateway_max_body_bytes=4096)
    try:
        async with stack.client(stack.tokens["default:admin"]) as admin:
            big = await admin.post(f"{base}{USAGE}", json={"events": [], "pad": "x" * 5000})
            small = await admin.post(f"{base}{USAGE}", json={"events": []})
    finally:
        await running.stop(grace=1)
    assert big.status_code == 413 and big.json()["error"]["details"]["limit_bytes"] == 4096
    assert small.status_code == 200, small.text


def test_a_route_can_take_a_larger_cap_by_path_prefix() -> None:
    middleware = BodyLimitMiddleware(
        app=None,  # type: ignore[arg-type]
        limit=10,
        larger={"/api/v1/uploads/": 1000, "/api/v1/uploads/focus/": 5000},
    )
    assert middleware.limit_of("/api/v1/budgets") == 10
    assert middleware.limit_of("/api/v1/uploads/x") == 1000
    assert middleware.limit_of("/api/v1/uploads/focus/y") == 5000


def _usage_batch(events: int) -> dict[str, object]:
    return {
        "events": [
            {
                "id": f"big-{i}",
                "tenant_id": "acme-prod",
                "cluster_id": "c1",
                "meter": "cpu",
                "quantity": 1,
                "unit": "vCPU",
                "effective_time": "2026-01-01T00:00:00Z",
            }
            for i in range(events)
        ]
    }


async def test_an_oversized_usage_batch_is_413_naming_the_limit_not_429(stack: Stack) -> None:
    limit = 64 * 1024
    running, base = await _extra_gateway(stack, grpc_max_message_bytes=limit)
    try:
        async with stack.client(stack.tokens["default:admin"]) as admin:
            response = await admin.post(f"{base}{USAGE}", json=_usage_batch(2000))
    finally:
        await running.stop(grace=1)
    assert response.status_code == 413, response.text[:300]
    error = response.json()["error"]
    assert error["code"] == "PAYLOAD_TOO_LARGE" and error["details"]["limit_bytes"] == limit
    assert str(limit) in error["message"]


async def test_an_oversized_grpc_message_is_invalid_argument_naming_the_limit(
    stack: Stack,
) -> None:
    limit = stack.settings.grpc_max_message_bytes
    metering = stack.services["metering"]
    caller = Caller("default", "admin", "test:producer")
    async with channel_as(metering.address, stack.settings, caller) as channel:
        record = channel.unary_unary("/costgrid.metering.v1.MeteringService/RecordUsage")
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await record(b"\x0a" * (limit + 1))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert str(limit) in (refused.value.details() or "")
    info = error_info(refused.value)
    assert info is not None and info.metadata["limit_bytes"] == str(limit)
