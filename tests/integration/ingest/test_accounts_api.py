"""CloudAccountService over gRPC on the real database: accounts, validation, tenancy, secrets."""

from __future__ import annotations

import grpc
import pytest
from costgrid.common.v1 import provider_pb2
from costgrid.ingest.v1 import service_pb2 as pb
from google.protobuf import field_mask_pb2
from sqlalchemy import text

from services.common.caller import Caller
from services.common.crypto import SecretBox
from services.common.errors import FailedPrecondition
from services.common.errors_client import error_info
from services.ingest.handlers import secrets
from tests.support.ingest_service import (
    SECRET,
    Client,
    aws_account,
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
        for role in ("admin", "member", "viewer")
    }
    yield clients
    for client in clients.values():
        await client.close()


async def rejected(call) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.RpcError) as caught:
        await call
    info = error_info(caught.value)
    return caught.value.code(), (info.metadata.get("field", "") if info else "")


async def test_created_account_is_returned_with_has_credentials_but_never_the_secret(org, service):
    created = await create(org["admin"], aws_account(cost_metric="AmortizedCost"))
    fetched = (
        await org["viewer"].accounts.GetCloudAccount(
            pb.GetCloudAccountRequest(account_id=created.id)
        )
    ).cloud_account

    assert fetched == created
    assert fetched.has_credentials and fetched.active
    assert fetched.settings.aws.cost_metric == "AmortizedCost"
    assert SECRET not in str(fetched) and "AKIDEXAMPLE" not in str(fetched)
    async with service.runtime.db.transaction() as session:
        stored = (
            await session.execute(
                text("SELECT credentials_sealed FROM cloud_accounts WHERE id = :i"),
                {"i": created.id},
            )
        ).scalar_one()
    assert SECRET not in stored and stored.startswith("v1:")


async def test_sealed_credentials_do_not_open_on_another_account(org, service):
    first = await create(org["admin"], aws_account("One"))
    box = service.runtime.settings.encryption_keys.get_secret_value()
    async with service.runtime.db.transaction() as session:
        sealed = (
            await session.execute(
                text("SELECT credentials_sealed FROM cloud_accounts WHERE id = :i"),
                {"i": first.id},
            )
        ).scalar_one()
    secret_box = SecretBox.from_setting(box)
    assert (
        secrets.unseal(secret_box, org["admin"].org_id, first.id, sealed)["secret_access_key"]
        == SECRET
    )
    with pytest.raises(FailedPrecondition, match="cannot be decrypted"):
        secrets.unseal(secret_box, "another-org", first.id, sealed)
    with pytest.raises(FailedPrecondition):
        secrets.unseal(secret_box, org["admin"].org_id, first.id + 1, sealed)


@pytest.mark.parametrize(
    ("account", "creds", "field"),
    [
        (aws_account(cost_metric="Dollars"), None, "cloud_account.settings.aws.cost_metric"),
        (aws_account(role_arn="not-an-arn"), None, "cloud_account.settings.aws.role_arn"),
        (aws_account(name=" "), None, "cloud_account.name"),
        (aws_account(endpoint="ftp://x"), None, "cloud_account.endpoint"),
        (
            aws_account(),
            pb.CloudAccountCredentials(aws=pb.AwsCredentials(access_key_id="AKID")),
            "credentials.aws.secret_access_key",
        ),
        (pb.CloudAccount(name="x"), None, "cloud_account.provider"),
        (
            pb.CloudAccount(
                name="g",
                provider=provider_pb2.PROVIDER_GCP,
                settings=pb.CloudAccountSettings(
                    gcp=pb.GcpSettings(billing_account_id="12", bigquery_export_table="p.d.t")
                ),
            ),
            pb.CloudAccountCredentials(),
            "cloud_account.settings.gcp.billing_account_id",
        ),
        (
            pb.CloudAccount(
                name="z",
                provider=provider_pb2.PROVIDER_AZURE,
                settings=pb.CloudAccountSettings(
                    azure=pb.AzureSettings(tenant_id="t", client_id="c")
                ),
            ),
            pb.CloudAccountCredentials(azure=pb.AzureCredentials(client_secret="s")),
            "cloud_account.settings.azure.scope",
        ),
        (
            pb.CloudAccount(name="do", provider=provider_pb2.PROVIDER_DIGITALOCEAN),
            pb.CloudAccountCredentials(),
            "credentials.digitalocean.token",
        ),
        (
            pb.CloudAccount(
                name="f",
                provider=provider_pb2.PROVIDER_FOCUS_FILE,
                settings=pb.CloudAccountSettings(
                    focus_file=pb.FocusFileSettings(path="/srv/exports/x.csv")
                ),
            ),
            pb.CloudAccountCredentials(),
            "cloud_account.settings.focus_file.path",
        ),
        (
            pb.CloudAccount(
                name="mismatch",
                provider=provider_pb2.PROVIDER_AWS,
                settings=pb.CloudAccountSettings(digitalocean=pb.DigitalOceanSettings()),
            ),
            None,
            "cloud_account.settings.digitalocean",
        ),
    ],
)
async def test_invalid_account_is_rejected_naming_the_field_and_nothing_is_created(
    org, account, creds, field
):
    code, named = await rejected(create(org["admin"], account, creds))
    listed = await org["admin"].accounts.ListCloudAccounts(pb.ListCloudAccountsRequest())

    assert (code, named) == (grpc.StatusCode.INVALID_ARGUMENT, field)
    assert list(listed.cloud_accounts) == []


async def test_another_org_gets_not_found_for_every_operation(org, service, settings):
    mine = await create(org["admin"], aws_account())
    other = Client(service.address, settings, Caller(new_org(), "admin", "intruder"))
    try:
        mask = field_mask_pb2.FieldMask(paths=["name"])
        calls = [
            other.accounts.GetCloudAccount(pb.GetCloudAccountRequest(account_id=mine.id)),
            other.accounts.UpdateCloudAccount(
                pb.UpdateCloudAccountRequest(
                    cloud_account=pb.CloudAccount(id=mine.id, name="mine now"), update_mask=mask
                )
            ),
            other.accounts.DeleteCloudAccount(pb.DeleteCloudAccountRequest(account_id=mine.id)),
            other.accounts.TestConnection(pb.TestConnectionRequest(account_id=mine.id)),
            other.sync.TriggerSync(pb.TriggerSyncRequest(account_ids=[mine.id])),
        ]
        for call in calls:
            assert (await rejected(call))[0] == grpc.StatusCode.NOT_FOUND
        listed = await other.accounts.ListCloudAccounts(pb.ListCloudAccountsRequest())
        assert list(listed.cloud_accounts) == []
    finally:
        await other.close()
    still = await org["admin"].accounts.GetCloudAccount(
        pb.GetCloudAccountRequest(account_id=mine.id)
    )
    assert still.cloud_account.name == "Prod"


async def test_viewer_reads_but_only_admin_manages_accounts(org):
    code, _ = await rejected(create(org["viewer"], aws_account()))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    code, _ = await rejected(create(org["member"], aws_account()))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    created = await create(org["admin"], aws_account())
    listed = await org["viewer"].accounts.ListCloudAccounts(pb.ListCloudAccountsRequest())
    assert [a.id for a in listed.cloud_accounts] == [created.id]


async def test_only_admin_updates_and_a_refused_update_says_nothing_about_the_id(org):
    created = await create(org["admin"], aws_account("Keep"))

    def update(account_id: int) -> pb.UpdateCloudAccountRequest:
        return pb.UpdateCloudAccountRequest(
            cloud_account=pb.CloudAccount(id=account_id, name="Taken"),
            update_mask=field_mask_pb2.FieldMask(paths=["name"]),
        )

    # An existing id, one the org does not have, and no id at all: the same refusal.
    for account_id in (created.id, created.id + 10_000, 0):
        code, _ = await rejected(org["member"].accounts.UpdateCloudAccount(update(account_id)))
        assert code == grpc.StatusCode.PERMISSION_DENIED
    fetched = await org["viewer"].accounts.GetCloudAccount(
        pb.GetCloudAccountRequest(account_id=created.id)
    )
    assert fetched.cloud_account.name == "Keep"


async def test_create_retried_with_the_same_request_id_returns_the_first_account(org):
    first = await create(org["admin"], aws_account("Once"), request_id="req-1")
    again = await create(org["admin"], aws_account("Once"), request_id="req-1")
    listed = await org["admin"].accounts.ListCloudAccounts(pb.ListCloudAccountsRequest())

    assert again.id == first.id
    assert len(listed.cloud_accounts) == 1


async def test_update_applies_only_masked_fields_and_can_deactivate(org):
    created = await create(org["admin"], aws_account("Old", cost_metric="UnblendedCost"))
    request = pb.UpdateCloudAccountRequest(
        cloud_account=pb.CloudAccount(
            id=created.id,
            name="New",
            active=False,
            endpoint="http://127.0.0.1:9",
            settings=pb.CloudAccountSettings(aws=pb.AwsSettings(cost_metric="BlendedCost")),
        ),
        update_mask=field_mask_pb2.FieldMask(paths=["name", "active"]),
    )
    updated = (await org["admin"].accounts.UpdateCloudAccount(request)).cloud_account

    assert (updated.name, updated.active, updated.endpoint) == ("New", False, "")
    assert updated.settings.aws.cost_metric == "UnblendedCost"
    assert updated.has_credentials
    active = await org["admin"].accounts.ListCloudAccounts(
        pb.ListCloudAccountsRequest(active_only=True)
    )
    assert created.id not in [a.id for a in active.cloud_accounts]


async def test_update_with_unknown_path_or_invalid_settings_changes_nothing(org):
    created = await create(org["admin"], aws_account("Keep"))
    bad_path = pb.UpdateCloudAccountRequest(
        cloud_account=pb.CloudAccount(id=created.id, name="x"),
        update_mask=field_mask_pb2.FieldMask(paths=["provider"]),
    )
    bad_value = pb.UpdateCloudAccountRequest(
        cloud_account=pb.CloudAccount(
            id=created.id,
            name="y",
            settings=pb.CloudAccountSettings(aws=pb.AwsSettings(cost_metric="Nope")),
        ),
        update_mask=field_mask_pb2.FieldMask(paths=["name", "settings"]),
    )
    assert await rejected(org["admin"].accounts.UpdateCloudAccount(bad_path)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "update_mask",
    )
    assert await rejected(org["admin"].accounts.UpdateCloudAccount(bad_value)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "cloud_account.settings.aws.cost_metric",
    )
    fetched = await org["admin"].accounts.GetCloudAccount(
        pb.GetCloudAccountRequest(account_id=created.id)
    )
    assert fetched.cloud_account.name == "Keep"


async def test_deleted_account_is_gone_from_get_and_list(org):
    created = await create(org["admin"], aws_account())
    await org["admin"].accounts.DeleteCloudAccount(
        pb.DeleteCloudAccountRequest(account_id=created.id)
    )

    code, _ = await rejected(
        org["admin"].accounts.GetCloudAccount(pb.GetCloudAccountRequest(account_id=created.id))
    )
    listed = await org["admin"].accounts.ListCloudAccounts(pb.ListCloudAccountsRequest())
    assert code == grpc.StatusCode.NOT_FOUND
    assert list(listed.cloud_accounts) == []


async def test_list_pages_through_every_account_once(org):
    ids = [(await create(org["admin"], aws_account(f"A{i}"))).id for i in range(5)]
    seen, token = [], ""
    while True:
        page = await org["viewer"].accounts.ListCloudAccounts(
            pb.ListCloudAccountsRequest(page_size=2, page_token=token)
        )
        seen += [a.id for a in page.cloud_accounts]
        token = page.next_page_token
        if not token:
            break
    assert seen == ids
