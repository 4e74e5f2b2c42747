"""Whether cloud account ids a caller names are accounts of the caller's organization.

Ingest owns cloud accounts; a service holding a reference to one (a budget's scope, an
account's billing settings) asks ingest as the caller, whose signed context scopes the
answer to that organization. Another organization's id is then NOT_FOUND, exactly as an id
nobody has, so a reference never tells one organization what another holds.
"""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from costgrid.ingest.v1 import service_pb2 as ingest_pb
from costgrid.ingest.v1 import service_pb2_grpc as ingest_grpc

from services.common.errors import NotFound, Unavailable

TIMEOUT_SECONDS = 10.0
_UNAVAILABLE = (
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
)


async def require_cloud_accounts(
    channel: grpc.aio.Channel, account_ids: Iterable[int], field: str
) -> None:
    """NOT_FOUND naming `field` for the first id that is not the caller's account."""
    stub = ingest_grpc.CloudAccountServiceStub(channel)
    for account_id in account_ids:
        request = ingest_pb.GetCloudAccountRequest(account_id=account_id)
        try:
            await stub.GetCloudAccount(request, timeout=TIMEOUT_SECONDS)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                raise NotFound(
                    f"{field}: cloud account {account_id} does not exist",
                    reason="CLOUD_ACCOUNT_NOT_FOUND",
                    field=field,
                    account_id=account_id,
                ) from exc
            if exc.code() in _UNAVAILABLE:
                raise Unavailable(
                    f"ingest could not confirm cloud account {account_id} ({exc.code().name})",
                    reason="INGEST_UNAVAILABLE",
                ) from exc
            raise
