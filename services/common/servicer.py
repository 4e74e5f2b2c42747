"""`Ctx`: the grpc.aio context every RPC handler receives beside its request."""

from __future__ import annotations

from typing import Any, TypeAlias

import grpc

# The generated servicers type each RPC's context by its own request and response; handlers
# never read either through the context (they raise domain errors, the interceptor aborts), so
# one alias fits every method's signature.
Ctx: TypeAlias = grpc.aio.ServicerContext[Any, Any]
