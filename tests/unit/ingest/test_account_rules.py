"""Account validation names the offending field; the registry maps settings to connector keys."""

from __future__ import annotations

import json

import pytest

from services.common.errors import InvalidArgument
from services.ingest.connectors.registry import account_config, build_connector
from services.ingest.domain.accounts import AccountSpec, check_credentials, check_spec

SA_JSON = json.dumps({"type": "service_account", "client_email": "x@y"})


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (AccountSpec("AWS", settings={"cost_metric": "Usage"}), "c.settings.aws.cost_metric"),
        (AccountSpec("AWS", settings={"external_id": "x"}), "c.settings.aws.external_id"),
        (
            AccountSpec("GCP", settings={"billing_account_id": "012345-6789AB-CDEF01"}),
            "c.settings.gcp.bigquery_export_table",
        ),
        (
            AccountSpec("AZURE", settings={"scope": "/subscriptions/1", "tenant_id": "t"}),
            "c.settings.azure.client_id",
        ),
        (
            AccountSpec("FOCUS_FILE", settings={"path": "x.csv", "s3_prefix": "s3://bucket/"}),
            "c.settings.focus_file",
        ),
        (
            AccountSpec("FOCUS_FILE", settings={"path": "/srv/a/x.csv"}),
            "c.settings.focus_file.path",
        ),
        (
            AccountSpec("FOCUS_FILE", settings={"path": "b/../../a.csv"}),
            "c.settings.focus_file.path",
        ),
        (
            AccountSpec("FOCUS_FILE", settings={"s3_prefix": "http://bucket"}),
            "c.settings.focus_file.s3_prefix",
        ),
        (AccountSpec("DIGITALOCEAN", endpoint="api.example.com"), "c.endpoint"),
        (AccountSpec("IBM"), "c.provider"),
    ],
)
def test_bad_settings_name_their_field(spec: AccountSpec, field: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_spec(spec, "c")
    assert caught.value.field == field


@pytest.mark.parametrize(
    "spec",
    [
        AccountSpec("AWS", settings={"role_arn": "arn:aws:iam::123456789012:role/costgrid"}),
        AccountSpec(
            "GCP",
            settings={
                "billing_account_id": "012345-6789AB-CDEF01",
                "bigquery_export_table": "my-project.billing.export_v1",
            },
        ),
        AccountSpec(
            "AZURE", settings={"scope": "/subscriptions/abc", "tenant_id": "t", "client_id": "c"}
        ),
        AccountSpec("DIGITALOCEAN", endpoint="http://127.0.0.1:8080"),
        AccountSpec(
            "FOCUS_FILE", settings={"s3_prefix": "s3://bucket/exports/", "s3_region": "eu-west-1"}
        ),
        AccountSpec("FOCUS_FILE", settings={"path": "exports/2024-09.csv"}),
        AccountSpec("FOCUS_FILE", settings={}),  # an upload account
    ],
)
def test_good_settings_pass(spec: AccountSpec) -> None:
    check_spec(spec, "c")


def test_role_arn_makes_aws_keys_optional_but_keys_come_in_pairs() -> None:
    role = AccountSpec("AWS", settings={"role_arn": "arn:aws:iam::123456789012:role/x"})
    check_credentials(role, {})
    with pytest.raises(InvalidArgument) as caught:
        check_credentials(AccountSpec("AWS"), {})
    assert caught.value.field == "credentials.aws.access_key_id"
    with pytest.raises(InvalidArgument) as caught:
        check_credentials(role, {"access_key_id": "AKID"})
    assert caught.value.field == "credentials.aws.secret_access_key"


def test_gcp_credentials_must_be_a_service_account_key() -> None:
    spec = AccountSpec("GCP")
    check_credentials(spec, {"service_account_json": SA_JSON})
    with pytest.raises(InvalidArgument) as caught:
        check_credentials(spec, {"service_account_json": "{not json"})
    assert caught.value.field == "credentials.gcp.service_account_json"


def test_registry_maps_contract_names_to_connector_keys() -> None:
    gcp = account_config("GCP", {"bigquery_export_table": "p.d.t", "billing_account_id": "b"}, {})
    azure = account_config(
        "AZURE", {"scope": "/s", "tenant_id": "t", "client_id": "c"}, {"client_secret": "s"}
    )
    focus = account_config("FOCUS_FILE", {"s3_prefix": "s3://b/p/", "s3_region": "r"}, {})

    assert gcp.settings["export_table"] == "p.d.t"
    assert azure.settings == {"scope": "/s"}
    assert azure.credentials == {"client_secret": "s", "tenant_id": "t", "client_id": "c"}
    assert focus.settings == {"s3_uri": "s3://b/p/", "region": "r"}


@pytest.mark.parametrize(
    ("provider", "settings", "credentials", "cls"),
    [
        ("AWS", {}, {"access_key_id": "a", "secret_access_key": "b"}, "AwsCostExplorerConnector"),
        (
            "AZURE",
            {"scope": "/subscriptions/x", "tenant_id": "t", "client_id": "c"},
            {"client_secret": "s"},
            "AzureCostConnector",
        ),
        ("DIGITALOCEAN", {}, {"token": "t"}, "DigitalOceanConnector"),
        ("FOCUS_FILE", {"path": "x.csv"}, {}, "FocusFileConnector"),
    ],
)
def test_registry_builds_each_providers_connector(provider, settings, credentials, cls) -> None:
    connector = build_connector(account_config(provider, settings, credentials))
    assert type(connector).__name__ == cls
