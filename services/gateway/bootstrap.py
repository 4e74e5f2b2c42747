"""Wiring of the gateway service: its TokenService over gRPC, and the REST API (uvicorn) as a
background loop of the same process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from services.common.server import Loop, Runtime, ServiceDefinition, runtime_itself
from services.gateway.api import token_service
from services.gateway.handlers.tokens import ensure_bootstrap_token
from services.gateway.http.app import create_app
from services.gateway.http.server import HttpServer, bind
from services.gateway.settings import GatewaySettings


@dataclass
class GatewayState:
    """Filled at start-up: tests read the REST port from here."""

    http: HttpServer | None = None

    @property
    def http_port(self) -> int:
        assert self.http is not None, "the gateway has not started"
        return self.http.port


def definition(state: GatewayState | None = None) -> ServiceDefinition[Runtime]:
    """The gateway's deps are the runtime itself: its database, NATS and channels to every
    service are what the REST routes call through."""
    state = state or GatewayState()

    async def on_start(runtime: Runtime) -> None:
        settings = cast(GatewaySettings, runtime.settings)  # the kit built it from `settings=`
        if settings.bootstrap_token is not None and settings.bootstrap_token.get_secret_value():
            await ensure_bootstrap_token(
                runtime.db,
                settings.gateway_default_org_id,
                settings.bootstrap_token.get_secret_value(),
            )
        host, port = settings.http_host_port
        state.http = HttpServer(
            create_app(runtime, settings), bind(host, port), settings.grace_period_seconds
        )

    def background(runtime: Runtime) -> list[Loop]:
        assert state.http is not None
        return [state.http.run, state.http.app.state.auth.failures.run]

    return ServiceDefinition(
        name="gateway",
        settings=GatewaySettings,
        deps=runtime_itself,
        register=token_service.register,
        on_start=on_start,
        background=background,
    )
