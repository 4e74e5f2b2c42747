"""TestConnection surfaces the connector's own diagnosis, for stored accounts and drafts."""

from __future__ import annotations

import pytest
from costgrid.common.v1 import provider_pb2
from costgrid.ingest.v1 import service_pb2 as pb

from services.common.caller import Caller
from tests.fakes.aws_fake import AwsFake, json_error
from tests.support.ingest_service import (
    SECRET,
    Client,
    aws_account,
    aws_keys,
    create,
    new_org,
    running_ingest,
)


@pytest.fixture(scope="module")
async def service(settings):
    async with running_ingest(settings) as running:
        yield running


@pytest.fixture
async def org(service, settings):
    org_id = new_org()
    clients = {
        role: Client(service.address, settings, Caller(org_id, role, f"user-{role}"))
        for role in ("admin", "member")
    }
    yield clients
    for client in clients.values():
        await client.close()


@pytest.fixture
def aws_fake():
    fake = AwsFake().start()
    yield fake
    fake.stop()


async def test_test_connection_names_the_missing_cost_explorer_permission(org, aws_fake):
    aws_fake.reply_always(
        "GetCostAndUsage",
        json_error("AccessDeniedException", "User: arn:aws:iam::1:user/x is not authorized"),
    )
    created = await create(org["admin"], aws_account(endpoint=aws_fake.url))

    stored = await org["member"].accounts.TestConnection(
        pb.TestConnectionRequest(account_id=created.id)
    )
    draft = await org["member"].accounts.TestConnection(
        pb.TestConnectionRequest(
            draft=pb.CloudAccountDraft(
                provider=provider_pb2.PROVIDER_AWS,
                settings=pb.CloudAccountSettings(aws=pb.AwsSettings()),
                credentials=aws_keys(),
                endpoint=aws_fake.url,
            )
        )
    )

    for answer in (stored, draft):
        assert not answer.ok
        assert "missing IAM permission 'ce:GetCostAndUsage'" in answer.message
        assert answer.reason
        assert SECRET not in answer.message


async def test_test_connection_of_a_focus_draft_says_which_path_is_missing(org):
    answer = await org["member"].accounts.TestConnection(
        pb.TestConnectionRequest(
            draft=pb.CloudAccountDraft(
                provider=provider_pb2.PROVIDER_FOCUS_FILE,
                settings=pb.CloudAccountSettings(
                    focus_file=pb.FocusFileSettings(path="nonexistent/focus.csv")
                ),
            )
        )
    )
    assert not answer.ok
    assert "nonexistent/focus.csv" in answer.message
    assert answer.reason
