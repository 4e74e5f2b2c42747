"""Outages of what a service stands on (PostgreSQL, NATS), told apart from bugs.

While a dependency is away every call that needs it fails the same way; the caller gets
UNAVAILABLE with a retry delay, and the log gets one line per dependency per 10 s (with a count
of the others), not a stack trace per request.
"""

from __future__ import annotations

import errno
import socket

import asyncpg
import nats.errors
import nats.js.errors
import sqlalchemy.exc

from services.common.errors import Unavailable

POSTGRES = "postgres"
NATS = "nats"
# What callers are told to wait: about how long the readiness probe takes to see a recovery.
RETRY_AFTER_SECONDS = 5

_POSTGRES_DOWN: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # refused, reset, closed mid-statement
    asyncpg.CannotConnectNowError,  # starting up or shutting down
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    sqlalchemy.exc.TimeoutError,  # no pooled connection came back in time
)
_NATS_DOWN: tuple[type[BaseException], ...] = (
    nats.errors.NoServersError,
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.StaleConnectionError,
    nats.errors.OutboundBufferLimitError,
    nats.errors.FlushTimeoutError,
    nats.errors.TimeoutError,
    nats.errors.NoRespondersError,  # JetStream is not answering
    nats.js.errors.ServiceUnavailableError,
)


def dependency_down(exc: BaseException | None) -> str | None:
    """The dependency an exception says is unreachable ("postgres", "nats"), else None."""
    chain = _chain(exc)
    for error in chain:
        if isinstance(error, _NATS_DOWN):
            return NATS
        if isinstance(error, _POSTGRES_DOWN) or _invalidated(error):
            return POSTGRES
    # A bare socket error: which dependency it was is read from the exceptions around it.
    if any(_is_network(error) for error in chain):
        modules = {type(error).__module__.split(".")[0] for error in chain}
        if "nats" in modules:
            return NATS
        if modules & {"sqlalchemy", "asyncpg"} or _from_database(chain):
            return POSTGRES
    return None


def unavailable(dependency: str) -> Unavailable:
    return Unavailable(
        f"{dependency} is unreachable right now; retry in {RETRY_AFTER_SECONDS} seconds",
        reason="DEPENDENCY_UNAVAILABLE",
        dependency=dependency,
        retry_after_seconds=RETRY_AFTER_SECONDS,
    )


def _chain(exc: BaseException | None) -> list[BaseException]:
    chain: list[BaseException] = []
    while exc is not None and len(chain) < 10 and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or getattr(exc, "orig", None) or exc.__context__
    return chain


def _invalidated(error: BaseException) -> bool:
    return isinstance(error, sqlalchemy.exc.DBAPIError) and bool(error.connection_invalidated)


def _is_network(error: BaseException) -> bool:
    if isinstance(error, ConnectionError | TimeoutError | socket.gaierror):
        return True
    # asyncio's connect to several addresses raises a plain OSError without an errno.
    return type(error) is OSError and error.errno in (None, errno.ENETUNREACH, errno.EHOSTUNREACH)


def _from_database(chain: list[BaseException]) -> bool:
    """asyncpg's connect raises the bare socket error; its traceback shows where it came from."""
    for error in chain:
        tb = error.__traceback__
        while tb is not None:
            if "asyncpg" in tb.tb_frame.f_code.co_filename:
                return True
            tb = tb.tb_next
    return False
