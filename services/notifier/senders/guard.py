"""Destinations vetted against the address policy at the moment of connecting.

A channel's host is checked when it is saved and again on every send: DNS can change between
the two, so HTTP and SMTP connect only to an address that was vetted in the same step.
"""

from __future__ import annotations

import asyncio
import importlib.util
import ipaddress
import select
import socket
import ssl
import sys
from typing import Any

import httpcore
import httpx

from services.notifier.domain.network import AddressPolicy, BlockedDestination
from services.notifier.settings import env_name

# httpcore tries `import sniffio` on every lock it takes; with sniffio not installed each try
# walks sys.path again (~1 ms, several per request). A None entry makes the miss a dict lookup
# (Python's documented way to mark a module absent); httpcore then assumes asyncio, as it does.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]


def _addresses(infos: list[Any]) -> list[str]:
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _vetted(host: str, addresses: list[str], policy: AddressPolicy) -> str:
    if not addresses:
        raise OSError(f"{host} did not resolve")
    for address in addresses:
        kind = policy.refusal(address)
        if kind:
            raise BlockedDestination(_refused(host, address, kind))
    return addresses[0]


def _refused(host: str, address: str, kind: str) -> str:
    """Says what was refused and which setting would allow it, for whoever set the channel."""
    plain = address.split("%")[0]
    what = host if host == plain else f"{host} resolves to {plain}, which"
    network = ipaddress.ip_network(plain)
    return (
        f"{what} is a {kind} address; private addresses are refused unless "
        f'{env_name("notifier_allowed_cidrs")} includes it (e.g. ["{network}"]) or '
        f"{env_name('notifier_allow_private_networks')} is true"
    )


async def resolve_vetted(host: str, port: int, policy: AddressPolicy) -> str:
    """The address to connect to; BlockedDestination if any of the host's addresses is refused."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return _vetted(host, _addresses(infos), policy)


def connect_vetted(host: str, port: int, timeout: float, policy: AddressPolicy) -> socket.socket:
    """Blocking variant for smtplib, which runs in a worker thread."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    address = _vetted(host, _addresses(infos), policy)
    return socket.create_connection((address, port), timeout=timeout)


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await resolve_vetted(host, port, self._policy)
        # TLS still verifies the original host name: httpcore passes it as server_hostname.
        stream = await self._inner.connect_tcp(
            address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )
        return _PooledStream(stream, stream.get_extra_info("socket"))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _PooledStream(httpcore.AsyncNetworkStream):
    """A connection that answers httpcore's "is it readable?" from the socket it keeps.

    httpcore asks that of every idle pooled connection on every request (a server may have
    closed it); anyio answers by building all of the socket's attributes, getpeername()
    included, each time, which under a burst cost more than the request itself.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream, sock: socket.socket | None) -> None:
        self._inner = inner
        self._sock = sock

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
    ) -> httpcore.AsyncNetworkStream:
        tls = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return _PooledStream(tls, self._sock)  # TLS runs over the same socket

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return _readable(self._sock)
        if info == "socket":
            return self._sock
        return self._inner.get_extra_info(info)


def _readable(sock: socket.socket | None) -> bool:
    """Data (or the server's close) is waiting; a socket that is gone counts as readable."""
    if sock is None or sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, policy: AddressPolicy, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            network_backend=_GuardedBackend(policy),
            max_connections=200,
            max_keepalive_connections=50,
            keepalive_expiry=30,
        )


def ssl_context(ca_file: str = "") -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(ca_file)
    return context


def http_client(
    policy: AddressPolicy,
    context: ssl.SSLContext,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    # Redirects are not followed: a redirect could point at a refused address.
    return httpx.AsyncClient(
        transport=transport or GuardedTransport(policy, context),
        follow_redirects=False,
        trust_env=False,
    )
