"""gRPC servicers of the gateway service: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

import grpc
from costgrid.gateway.v1 import service_pb2 as pb
from costgrid.gateway.v1 import service_pb2_grpc as grpc_gateway

from services.common.caller import current_caller
from services.common.db import Database
from services.common.errors import InvalidArgument
from services.common.server import Runtime, service_name
from services.common.servicer import Ctx
from services.common.wire import timestamp_proto as _ts
from services.gateway.domain.tokens import TokenRecord
from services.gateway.handlers import tokens as handlers

ROLE_TO_PB = {"admin": pb.ROLE_ADMIN, "member": pb.ROLE_MEMBER, "viewer": pb.ROLE_VIEWER}
PB_TO_ROLE = {v: k for k, v in ROLE_TO_PB.items()}


def token_pb(record: TokenRecord) -> pb.ApiToken:
    return pb.ApiToken(
        id=record.id,
        name=record.name,
        role=ROLE_TO_PB[record.role],
        prefix=record.prefix,
        create_time=_ts(record.created_at),
        expire_time=_ts(record.expires_at),
        revoke_time=_ts(record.revoked_at),
        last_use_time=_ts(record.last_used_at),
    )


class TokenApi(grpc_gateway.TokenServiceServicer):
    """Admins manage their own organization's tokens; the org comes from the signed caller."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    @property
    def _db(self) -> Database:
        return self._runtime.db

    async def CreateApiToken(
        self, request: pb.CreateApiTokenRequest, context: Ctx
    ) -> pb.CreateApiTokenResponse:
        if request.role not in PB_TO_ROLE:
            raise InvalidArgument("role", "must be ROLE_ADMIN, ROLE_MEMBER or ROLE_VIEWER")
        expires = (
            request.expire_time.ToDatetime(tzinfo=UTC) if request.HasField("expire_time") else None
        )
        record, secret = await handlers.create_token(
            self._db,
            current_caller(),
            name=request.name,
            role=PB_TO_ROLE[request.role],
            expires_at=expires,
            request_id=request.request_id,
        )
        return pb.CreateApiTokenResponse(api_token=token_pb(record), secret=secret)

    async def ListApiTokens(
        self, request: pb.ListApiTokensRequest, context: Ctx
    ) -> pb.ListApiTokensResponse:
        records, next_token = await handlers.list_tokens(
            self._db,
            current_caller(),
            page_size=request.page_size,
            page_token=request.page_token,
            include_inactive=request.include_inactive,
            signing_key=self._runtime.signing_key,
        )
        return pb.ListApiTokensResponse(
            api_tokens=[token_pb(r) for r in records], next_page_token=next_token
        )

    async def RevokeApiToken(
        self, request: pb.RevokeApiTokenRequest, context: Ctx
    ) -> pb.RevokeApiTokenResponse:
        record = await handlers.revoke_token(self._db, current_caller(), request.token_id)
        return pb.RevokeApiTokenResponse(api_token=token_pb(record))


def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
    grpc_gateway.add_TokenServiceServicer_to_server(TokenApi(runtime), server)
    return [service_name(pb, "TokenService")]
