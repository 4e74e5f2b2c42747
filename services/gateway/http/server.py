"""uvicorn inside the gateway process, as one of the service's background loops."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI

from services.common.logging import get_logger

log = get_logger(__name__)


def bind(host: str, port: int) -> socket.socket:
    """Bound before the service reports started, so the port (even 0) is known at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


@dataclass
class HttpServer:
    app: FastAPI
    sock: socket.socket
    grace_seconds: float
    _server: uvicorn.Server | None = field(default=None, init=False)

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    async def run(self, stop: asyncio.Event) -> None:
        """Serves until `stop`; then stops accepting and lets in-flight requests finish."""
        config = uvicorn.Config(
            self.app,
            lifespan="off",
            log_config=None,
            access_log=False,
            # uvicorn annotates int but hands it to asyncio.wait_for, which takes a float.
            timeout_graceful_shutdown=self.grace_seconds,  # type: ignore[arg-type]
            server_header=False,
            # httptools parses in C; h11 (pure Python) cost about a fifth of the gateway's CPU.
            http="httptools",
        )
        config.load()
        server = self._server = uvicorn.Server(config)
        server.lifespan = config.lifespan_class(config)
        await server.startup(sockets=[self.sock])
        log.info("http.started", port=self.port)
        ticker = asyncio.create_task(server.main_loop())
        try:
            await stop.wait()
        finally:
            server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            await server.shutdown(sockets=[self.sock])
            log.info("http.stopped")
