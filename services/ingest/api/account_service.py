"""gRPC servicer of CloudAccountService: proto in, handler call, proto out."""

from __future__ import annotations

from costgrid.ingest.v1 import service_pb2 as pb
from costgrid.ingest.v1 import service_pb2_grpc as grpc_ingest

from services.common.errors import InvalidArgument
from services.common.servicer import Ctx
from services.ingest.api.convert import (
    credentials_of,
    provider_name,
    settings_of,
    spec_of,
    to_proto,
)
from services.ingest.deps import Deps
from services.ingest.domain.accounts import AccountSpec
from services.ingest.handlers import accounts as handlers
from services.ingest.handlers import connection


class CloudAccountApi(grpc_ingest.CloudAccountServiceServicer):
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def CreateCloudAccount(
        self, request: pb.CreateCloudAccountRequest, context: Ctx
    ) -> pb.CreateCloudAccountResponse:
        spec = spec_of(request.cloud_account)
        creds = credentials_of(request.credentials, spec.provider, "credentials")
        row = await handlers.create_account(self._deps, request.request_id, spec, creds)
        return pb.CreateCloudAccountResponse(cloud_account=to_proto(row))

    async def GetCloudAccount(
        self, request: pb.GetCloudAccountRequest, context: Ctx
    ) -> pb.GetCloudAccountResponse:
        row = await handlers.get_account(self._deps, request.account_id)
        return pb.GetCloudAccountResponse(cloud_account=to_proto(row))

    async def ListCloudAccounts(
        self, request: pb.ListCloudAccountsRequest, context: Ctx
    ) -> pb.ListCloudAccountsResponse:
        provider = provider_name(request.provider, "provider", allow_unspecified=True)
        rows, token = await handlers.list_accounts(
            self._deps, request.page_size, request.page_token, provider, request.active_only
        )
        return pb.ListCloudAccountsResponse(
            cloud_accounts=[to_proto(r) for r in rows], next_page_token=token
        )

    async def UpdateCloudAccount(
        self, request: pb.UpdateCloudAccountRequest, context: Ctx
    ) -> pb.UpdateCloudAccountResponse:
        account = request.cloud_account
        current = await handlers.account_to_update(self._deps, account.id)
        paths = list(request.update_mask.paths)
        if (
            account.provider
            and provider_name(account.provider, "cloud_account.provider") != current.provider
        ):
            raise InvalidArgument("cloud_account.provider", "cannot change; create a new account")
        changes = AccountSpec(
            provider=current.provider,
            name=account.name,
            settings=settings_of(account.settings, current.provider, "cloud_account.settings"),
            endpoint=account.endpoint.strip(),
        )
        creds = credentials_of(request.credentials, current.provider, "credentials")
        row = await handlers.update_account(
            self._deps, account.id, paths, changes, account.active, creds
        )
        return pb.UpdateCloudAccountResponse(cloud_account=to_proto(row))

    async def DeleteCloudAccount(
        self, request: pb.DeleteCloudAccountRequest, context: Ctx
    ) -> pb.DeleteCloudAccountResponse:
        await handlers.delete_account(self._deps, request.account_id)
        return pb.DeleteCloudAccountResponse()

    async def ArchiveCloudAccount(
        self, request: pb.ArchiveCloudAccountRequest, context: Ctx
    ) -> pb.ArchiveCloudAccountResponse:
        row = await handlers.archive_account(self._deps, request.account_id)
        return pb.ArchiveCloudAccountResponse(cloud_account=to_proto(row))

    async def TestConnection(
        self, request: pb.TestConnectionRequest, context: Ctx
    ) -> pb.TestConnectionResponse:
        target = request.WhichOneof("target")
        if target == "account_id":
            result = await connection.test_stored(self._deps, request.account_id)
        elif target == "draft":
            draft = request.draft
            provider = provider_name(draft.provider, "draft.provider")
            assert provider is not None
            spec = AccountSpec(
                provider=provider,
                settings=settings_of(draft.settings, provider, "draft.settings"),
                endpoint=draft.endpoint.strip(),
            )
            creds = credentials_of(draft.credentials, provider, "draft.credentials")
            result = await connection.test_draft(self._deps, spec, creds)
        else:
            raise InvalidArgument("target", "set account_id or draft")
        return pb.TestConnectionResponse(ok=result.ok, message=result.message, reason=result.reason)
