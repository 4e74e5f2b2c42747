"""Outages are not bugs: with PostgreSQL or NATS away a caller gets 503 with Retry-After, the
log a few lines rather than a stack trace per request, and health says which one is down.

The stack here reaches both servers through TCP proxies of its own, so cutting a proxy takes
the server away from this stack only (other test runs on the same servers carry on)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import make_url

from services.common.settings import Settings
from services.gateway.http.routes.budgets import BUDGET_EXAMPLE
from tests.support.gateway_stack import Stack, gateway_stack
from tests.support.tcp_proxy import TcpProxy

SERVING, NOT_SERVING = (
    health_pb2.HealthCheckResponse.SERVING,
    health_pb2.HealthCheckResponse.NOT_SERVING,
)
REQUESTS = 200  # during one outage; each used to log a stack trace


@pytest.fixture(scope="module")
async def proxies(settings: Settings) -> AsyncIterator[dict[str, TcpProxy]]:
    database, nats = make_url(settings.database_url), make_url(settings.nats_url)
    running = {
        "postgres": await TcpProxy(database.host or "127.0.0.1", database.port or 5432).start(),
        "nats": await TcpProxy(nats.host or "127.0.0.1", nats.port or 4222).start(),
    }
    yield running
    for proxy in running.values():
        await proxy.stop()


@pytest.fixture(scope="module")
async def proxied(settings: Settings, proxies: dict[str, TcpProxy]) -> AsyncIterator[Stack]:
    database = make_url(settings.database_url)
    update = {
        "database_url": database.set(port=proxies["postgres"].port).render_as_string(False),
        "nats_url": f"nats://127.0.0.1:{proxies['nats'].port}",
        "health_probe_seconds": 0.5,
    }
    async with gateway_stack(settings.model_copy(update=update)) as stack:
        yield stack


@contextmanager
def warnings_logged() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger().addHandler(handler)
    try:
        yield records
    finally:
        logging.getLogger().removeHandler(handler)


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> bool:
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.2)
    return False


async def _health(stack: Stack) -> httpx.Response:
    return await stack.http().get("/api/v1/health")


async def _grpc_health(stack: Stack, name: str) -> int:
    async with grpc.aio.insecure_channel(stack.services["budgets"].address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        return (await stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=2)).status


async def _down(stack: Stack, dependency: str) -> bool:
    response = await _health(stack)
    return response.status_code == 503 and response.json()["dependencies"][dependency] == "down"


async def _all_up(stack: Stack) -> bool:
    return (await _health(stack)).status_code == 200


async def test_postgres_away_is_503_with_retry_after_a_few_log_lines_and_recovery(
    proxied: Stack, proxies: dict[str, TcpProxy]
) -> None:
    cached = proxied.tokens["default:viewer"]
    assert (await proxied.http(cached).get("/api/v1/budgets")).status_code == 200
    with warnings_logged() as records:
        await proxies["postgres"].cut()
        try:
            # A token the gateway has cached reaches the budgets service (its database is
            # away); one it has not must be looked up in the gateway's own database.
            answers = [
                await proxied.http(token).get("/api/v1/budgets")
                for _ in range(REQUESTS // 2)
                for token in (cached, proxied.tokens["org-b:viewer"] + "-unknown")
            ]
            assert await eventually(lambda: _down(proxied, "postgres"))
            health = (await _health(proxied)).json()
        finally:
            await proxies["postgres"].restore()

    assert {a.status_code for a in answers} == {503}, answers[0].text
    assert all(a.headers["Retry-After"].isdigit() for a in answers)
    assert {a.json()["error"]["code"] for a in answers} == {"DEPENDENCY_UNAVAILABLE"}
    assert {a.json()["error"]["details"]["dependency"] for a in answers} == {"postgres"}
    assert health["dependencies"] == {"postgres": "down", "nats": "up"}
    assert set(health["services"].values()) == {"NOT_SERVING"}
    assert not [r for r in records if r.exc_info], "a stack trace was logged for an outage"
    assert len(records) < 60, Counter(f"{r.name} {r.getMessage()}" for r in records)

    assert await eventually(lambda: _all_up(proxied))
    assert (await proxied.http(cached).get("/api/v1/budgets")).status_code == 200


async def test_nats_away_is_not_ready_while_calls_that_need_only_postgres_still_work(
    proxied: Stack, proxies: dict[str, TcpProxy]
) -> None:
    token = proxied.tokens["default:member"]
    with warnings_logged() as records:
        await proxies["nats"].cut()
        try:
            assert await eventually(lambda: _down(proxied, "nats"))
            health = (await _health(proxied)).json()
            probes = {name: await _grpc_health(proxied, name) for name in ("", "liveness")}
            created = await proxied.http(token).post(
                "/api/v1/budgets",
                json={**BUDGET_EXAMPLE, "name": "made while NATS is away"},
            )
            await asyncio.sleep(3)  # every loop that needs NATS keeps failing meanwhile
        finally:
            await proxies["nats"].restore()

    assert health["dependencies"] == {"postgres": "up", "nats": "down"}
    assert set(health["services"].values()) == {"NOT_SERVING"}
    assert probes == {"": NOT_SERVING, "liveness": SERVING}  # not ready, but no restart needed
    assert (await proxied.http().get("/api/v1/health/live")).status_code == 200
    assert created.status_code == 201, created.text
    assert not [r for r in records if r.exc_info], "a stack trace was logged for an outage"
    assert len(records) < 60, Counter(f"{r.name} {r.getMessage()}" for r in records)
    assert await eventually(lambda: _all_up(proxied))
