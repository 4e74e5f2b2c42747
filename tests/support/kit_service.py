"""A tiny service built on the kit, for testing the kit itself (no protos needed).

Its one table, `effects`, counts how often an event's effect was applied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import grpc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.caller import current_caller
from services.common.errors import InvalidArgument
from services.common.inbox import Event
from services.common.server import Runtime, ServiceDefinition, runtime_itself

SERVICE = "costgrid.test.KitService"


async def _sleep(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
    await asyncio.sleep(float(request.decode() or "0"))
    return b"slept"


async def _whoami(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
    caller = current_caller()
    return f"{caller.org_id}/{caller.role}/{caller.principal}".encode()


async def _fail(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
    if request == b"bad":
        raise InvalidArgument("days_back", "must be between 1 and 365")
    raise RuntimeError("secret internals that must not reach the caller")


def _identity(value: bytes) -> bytes:
    return value


def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
    handlers = {
        name: grpc.unary_unary_rpc_method_handler(fn, _identity, _identity)
        for name, fn in (("Sleep", _sleep), ("WhoAmI", _whoami), ("Fail", _fail))
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
    return [SERVICE]


def definition(name: str = "ingest") -> ServiceDefinition:
    """Borrows a real service's name so it gets that service's schema and role."""
    return ServiceDefinition(
        name=name, deps=runtime_itself, register=register, uses_database=False, uses_messaging=False
    )


async def apply_effect(session: AsyncSession, event: Event) -> None:
    await session.execute(
        text(
            "INSERT INTO kit_effects (event_id, applied) VALUES (:e, 1) "
            "ON CONFLICT (event_id) DO UPDATE SET applied = kit_effects.applied + 1"
        ),
        {"e": event.id},
    )
