"""The whole suite on the kit for gateway tests: all six services started in this process on
free ports, the gateway pointed at the others, and tokens for two organizations."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
from costgrid.gateway.v1 import service_pb2 as gateway_pb
from costgrid.gateway.v1 import service_pb2_grpc as gateway_grpc

from services.common.caller import Caller
from services.common.server import RunningService, start
from services.common.settings import Settings
from services.gateway.bootstrap import GatewayState, definition
from services.gateway.settings import GatewaySettings
from tests.support.grpc_client import channel_as

OTHERS = ("ingest", "metering", "budgets", "invoicing", "notifier")
BOOTSTRAP = "cg_test_bootstrap_token_for_the_default_org"
ROLE_PB = {
    "admin": gateway_pb.ROLE_ADMIN,
    "member": gateway_pb.ROLE_MEMBER,
    "viewer": gateway_pb.ROLE_VIEWER,
}


@dataclass
class Stack:
    settings: GatewaySettings
    services: dict[str, RunningService]
    gateway: RunningService
    base_url: str
    tokens: dict[str, str] = field(default_factory=dict)  # "<org>:<role>" -> secret
    _clients: dict[str | None, httpx.AsyncClient] = field(default_factory=dict)

    def http(self, token: str | None = None) -> httpx.AsyncClient:
        """A shared client per token (creating one per request costs more than the request)."""
        if token not in self._clients:
            self._clients[token] = self.client(token)
        return self._clients[token]

    async def close_clients(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    def client(self, token: str | None = None, **kwargs: object) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=20, **kwargs)  # type: ignore[arg-type]

    async def create_token(self, org: str, role: str, name: str = "test") -> str:
        """Through the gateway's TokenService, as that org's admin (signed context)."""
        async with channel_as(
            self.gateway.address, self.settings, Caller(org, "admin", "test:setup")
        ) as ch:
            answer = await gateway_grpc.TokenServiceStub(ch).CreateApiToken(
                gateway_pb.CreateApiTokenRequest(name=name, role=ROLE_PB[role])
            )
        return str(answer.secret)


async def start_services(settings: Settings) -> dict[str, RunningService]:
    """One after another (provisioning grants on one database must not race), each pointed at
    the ones already running, as services call each other (invoicing asks ingest, ...)."""
    running: dict[str, RunningService] = {}
    for name in OTHERS:
        module = importlib.import_module(f"services.{name}.bootstrap")
        peers = {f"{peer}_addr": svc.address for peer, svc in running.items()}
        running[name] = await start(module.definition(), settings.model_copy(update=peers))
    return running


@asynccontextmanager
async def gateway_stack(settings: Settings, **overrides: object) -> AsyncIterator[Stack]:
    services: dict[str, RunningService] = {}
    gateway: RunningService | None = None
    try:
        services.update(await start_services(settings))
        gateway, stack = await _start_gateway(settings, services, overrides)
        try:
            yield stack
        finally:
            await stack.close_clients()
    finally:
        if gateway is not None:
            await gateway.stop(grace=1)
        await asyncio.gather(*(s.stop(grace=1) for s in services.values()))


async def _start_gateway(
    settings: Settings, services: dict[str, RunningService], overrides: dict[str, object]
) -> tuple[RunningService, Stack]:
    values = {
        **settings.model_dump(),
        **{f"{name}_addr": running.address for name, running in services.items()},
        "gateway_http_addr": "127.0.0.1:0",
        "bootstrap_token": BOOTSTRAP,
        "gateway_rate_limit_per_second": 1000.0,
        "gateway_rate_limit_burst": 1000,
        **overrides,
    }
    gw_settings = GatewaySettings(**values)  # type: ignore[arg-type]
    state = GatewayState()
    gateway = await start(definition(state), gw_settings)
    stack = Stack(gw_settings, services, gateway, f"http://127.0.0.1:{state.http_port}")
    stack.tokens["default:admin"] = BOOTSTRAP
    for org in ("default", "org-b"):
        for role in ("viewer", "member", "admin"):
            if f"{org}:{role}" not in stack.tokens:
                stack.tokens[f"{org}:{role}"] = await stack.create_token(org, role)
    return gateway, stack
