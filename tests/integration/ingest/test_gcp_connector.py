"""The GCP connector on the real google-cloud-billing and google-cloud-bigquery SDKs,
authenticating with a real service-account key against the local fake of both APIs."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.ingest.connectors.base import (
    AccountConfig,
    ConnectorConfigError,
    ProviderAuthError,
    ProviderPermissionError,
    ProviderResponseError,
    ProviderThrottledError,
    ProviderUnavailableError,
)
from services.ingest.connectors.gcp import GcpBillingConnector, RetryPolicy
from services.ingest.domain.cost_items import CostLineItem, DateWindow
from tests.fakes.gcp_fake import RESULT_COLUMNS, ExportRow, GcpFake

ACCOUNT = "012345-6789AB-CDEF01"
TABLE = "billing-proj.billing_export.gcp_billing_export_v1_012345_6789AB_CDEF01"
EMAIL = "costgrid-reader@billing-proj.iam.gserviceaccount.com"
JAN = DateWindow(date(2024, 1, 14), date(2024, 1, 15))
FAST = RetryPolicy(max_attempts=3, base_delay=0.001)


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2024, 1, day, hour, minute, second, tzinfo=UTC)


EXPORT = [
    ExportRow(
        at(14, 3),
        "Compute Engine",
        "web-prod",
        "Web Prod",
        "us-central1",
        Decimal("12.5"),
        credits=[Decimal("-1.25"), Decimal("-0.000001")],
    ),
    ExportRow(
        at(14, 9), "Compute Engine", "web-prod", "Web Prod", "us-central1", Decimal("0.100000001")
    ),
    ExportRow(at(14, 0), "BigQuery", "analytics", "Analytics", None, Decimal("3.000001")),
    ExportRow(
        at(15, 23, 59, 59), "Cloud Storage", "analytics", "Analytics", "europe-west1", Decimal("2")
    ),
    ExportRow(at(15, 12), "Invoice", None, None, None, Decimal("1.10"), cost_type="tax"),
    ExportRow(
        at(13, 23, 59, 59), "Compute Engine", "web-prod", "Web Prod", "us-central1", Decimal("100")
    ),
    ExportRow(at(16), "Compute Engine", "web-prod", "Web Prod", "us-central1", Decimal("100")),
]


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def fake(key: rsa.RSAPrivateKey) -> Iterator[GcpFake]:
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    server = GcpFake(service_account_email=EMAIL, public_key_pem=public).start()
    server.add_account(ACCOUNT, "Acme main billing", currency="USD")
    server.projects[ACCOUNT] = ["web-prod", "analytics", "sandbox-1", "sandbox-2", "data-lake"]
    server.tables[TABLE] = list(EXPORT)
    yield server
    server.stop()


def key_json(key: rsa.RSAPrivateKey) -> str:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "billing-proj",
            "private_key_id": "k1",
            "private_key": pem,
            "client_email": EMAIL,
            "client_id": "1",
            "token_uri": "https://oauth2.costgrid.test/token",
            "universe_domain": "costgrid.test",
        }
    )


def connector(fake: GcpFake, key: rsa.RSAPrivateKey, **settings: Any) -> GcpBillingConnector:
    config = AccountConfig(
        provider="GCP",
        settings={"billing_account_id": ACCOUNT, "export_table": TABLE, **settings},
        credentials={"service_account_json": key_json(key)},
        endpoint=fake.url,
    )
    return GcpBillingConnector(config, retry=FAST)


def totals(items: list[CostLineItem]) -> dict[str, Decimal]:
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        by_category[item.charge_category] += item.billed_cost
    return dict(by_category)


# -- Cloud Billing ----------------------------------------------------------------------


def test_connection_names_the_account_and_counts_projects_across_pages(fake, key):
    check = connector(fake, key).test_connection()

    assert check.ok, check.message
    assert "Acme main billing" in check.message and "USD" in check.message
    assert "5 projects" in check.message
    pages = fake.requests_to(f"{ACCOUNT}/projects")
    assert [r.query.get("pageToken") for r in pages] == [None, ["2"], ["4"]]
    assert fake.requests_to("/jobs")[0].body["configuration"]["dryRun"] is True


def test_closed_billing_account_is_reported_but_history_still_imports(fake, key):
    fake.add_account(ACCOUNT, "Old account", open_=False)
    gcp = connector(fake, key)

    check = gcp.test_connection()

    assert check.ok and "closed" in check.message and "history" in check.message
    assert gcp.billing_account().open is False
    assert sum(i.billed_cost for i in gcp.fetch(JAN)) > 0


def test_billing_permission_denied_names_the_permission_and_role(fake, key):
    fake.fail_next("/v1/billingAccounts", 403, message="The caller does not have permission")
    gcp = connector(fake, key)

    with pytest.raises(ProviderPermissionError) as denied:
        gcp.billing_account()

    assert "billing.accounts.get" in denied.value.message
    assert "Billing Account Viewer" in denied.value.message


def test_connection_check_reports_denial_instead_of_raising(fake, key):
    fake.fail_next("/v1/billingAccounts", 403, message="The caller does not have permission")

    check = connector(fake, key).test_connection()

    assert not check.ok and "billing.accounts.get" in check.message


def test_persistently_unauthenticated_billing_call_is_an_auth_error(fake, key):
    # One 401 is absorbed: the SDK's session refreshes the credentials and retries.
    fake.fail_next(
        "/v1/billingAccounts",
        401,
        message="Request had invalid authentication credentials.",
        times=5,
    )

    with pytest.raises(ProviderAuthError, match="credentials were not accepted"):
        connector(fake, key).billing_account()


def test_unknown_service_account_key_is_an_auth_error(fake):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(ProviderAuthError, match="credentials were not accepted"):
        list(connector(fake, stranger).fetch(JAN))


def test_malformed_billing_response_is_a_response_error(fake, key):
    fake.answer_next("/v1/billingAccounts", "<html>proxy error</html>")

    with pytest.raises(ProviderResponseError, match="Cloud Billing"):
        connector(fake, key).billing_account()


# -- BigQuery export --------------------------------------------------------------------


def test_fetch_sums_cost_and_credits_per_day_service_project_and_region_exactly(fake, key):
    items = list(connector(fake, key).fetch(JAN))

    assert totals(items) == {
        "Usage": Decimal("17.600001001"),
        "Credit": Decimal("-1.250001"),
        "Tax": Decimal("1.10"),
    }
    compute = [i for i in items if i.service_name == "Compute Engine"]
    assert [(i.charge_category, i.billed_cost, i.effective_cost) for i in compute] == [
        ("Usage", Decimal("12.600000001"), Decimal("12.600000001")),
        ("Credit", Decimal("-1.250001"), Decimal("-1.250001")),
    ]
    usage = compute[0]
    assert (usage.sub_account_id, usage.sub_account_name) == ("web-prod", "Web Prod")
    assert usage.region_id == "us-central1"
    assert (usage.charge_period_start, usage.charge_period_end) == (at(14), at(15))
    assert usage.provider_name == "Google Cloud" and usage.billing_currency == "USD"
    assert all(isinstance(i.billed_cost, Decimal) for i in items)


def test_global_services_have_an_empty_region(fake, key):
    bigquery = [i for i in connector(fake, key).fetch(JAN) if i.service_name == "BigQuery"]

    assert [(i.region_id, i.billed_cost) for i in bigquery] == [("", Decimal("3.000001"))]


def test_window_is_bound_by_utc_usage_days_as_query_parameters(fake, key):
    items = list(connector(fake, key).fetch(JAN))

    assert {i.charge_day for i in items} == {date(2024, 1, 14), date(2024, 1, 15)}
    body = fake.requests_to("/queries")[0].body
    params = {
        p["name"]: (p["parameterType"]["type"], p["parameterValue"]["value"])
        for p in body["queryParameters"]
    }
    assert params == {
        "start": ("TIMESTAMP", "2024-01-14 00:00:00+00:00"),
        "end": ("TIMESTAMP", "2024-01-16 00:00:00+00:00"),
    }
    assert body["parameterMode"] == "NAMED" and body["useLegacySql"] is False
    assert f"FROM `{TABLE}`" in body["query"] and "2024" not in body["query"]
    assert "_PARTITIONTIME" not in body["query"]


def test_every_result_page_is_read_through_get_query_results(fake, key):
    fake.result_page_size = 1

    items = list(connector(fake, key).fetch(JAN))

    assert sum(1 for i in items if i.charge_category != "Credit") == 4
    job = fake.requests_to("/jobs/job_")[0].path.rsplit("/", 1)[1]
    calls = [
        (r.method, r.path.split("/projects/billing-proj")[1], r.query.get("pageToken"))
        for r in fake.requests
        if r.path.startswith("/bigquery")
    ]
    assert calls == [
        ("POST", "/queries", None),
        ("GET", f"/jobs/{job}", None),
        ("GET", f"/queries/{job}", ["p1"]),
        ("GET", f"/queries/{job}", ["p2"]),
        ("GET", f"/queries/{job}", ["p3"]),
    ]


def test_query_runs_in_the_configured_job_project(fake, key):
    list(connector(fake, key, bigquery_project="finops-jobs").fetch(JAN))

    assert fake.requests_to("/bigquery/v2/projects/finops-jobs/queries")


def test_rate_limited_query_is_retried_then_succeeds(fake, key):
    fake.fail_next(
        "/queries", 429, reason="rateLimitExceeded", message="Exceeded rate limits", times=2
    )

    items = list(connector(fake, key).fetch(JAN))

    assert totals(items)["Usage"] == Decimal("17.600001001")
    assert len([r for r in fake.requests_to("/queries") if r.method == "POST"]) == 3


def test_throttled_results_page_reruns_the_query_without_losing_rows(fake, key):
    fake.fail_next("/queries/job_", 403, reason="rateLimitExceeded", message="Exceeded rate limits")

    items = list(connector(fake, key).fetch(JAN))

    assert totals(items)["Usage"] == Decimal("17.600001001")


def test_persistent_throttling_gives_up_after_the_retry_budget(fake, key):
    fake.fail_next(
        "/queries", 429, reason="rateLimitExceeded", message="Exceeded rate limits", times=10
    )

    with pytest.raises(ProviderThrottledError):
        list(connector(fake, key).fetch(JAN))

    assert len(fake.requests_to("/queries")) == FAST.max_attempts


def test_dataset_access_denied_names_job_and_viewer_permissions(fake, key):
    fake.fail_next(
        "/queries",
        403,
        reason="accessDenied",
        message="Access Denied: Table billing-proj:billing_export",
    )

    with pytest.raises(ProviderPermissionError) as denied:
        list(connector(fake, key).fetch(JAN))

    assert denied.value.message.startswith("BigQuery said: Access Denied: Table billing-proj")
    assert "bigquery.jobs.create" in denied.value.message
    assert "BigQuery Data Viewer" in denied.value.message


def test_unreachable_endpoint_is_unavailable_after_retries(fake, key):
    gcp = connector(fake, key)
    fake.stop()

    with pytest.raises(ProviderUnavailableError, match="could not be reached"):
        list(gcp.fetch(JAN))


def test_missing_export_table_is_a_configuration_error(fake, key):
    wrong = "billing-proj.billing_export.gcp_billing_export_v1_FFFFFF_FFFFFF_FFFFFF"

    with pytest.raises(ConnectorConfigError, match="export_table"):
        list(connector(fake, key, export_table=wrong).fetch(JAN))


def test_unreadable_query_response_is_a_response_error(fake, key):
    fake.answer_next("/queries", "{not json")

    with pytest.raises(ProviderResponseError, match="BigQuery"):
        list(connector(fake, key).fetch(JAN))


def test_float_amounts_are_refused_rather_than_rounded(fake, key):
    fields = [{"name": n, "type": "FLOAT" if t == "NUMERIC" else t} for n, t in RESULT_COLUMNS]
    cells = ["2024-01-14", "X", "p", "P", None, "regular", "USD", "0.1", "0"]
    answer = {
        "kind": "bigquery#queryResponse",
        "jobComplete": True,
        "totalRows": "1",
        "jobReference": {"projectId": "billing-proj", "jobId": "j1", "location": "US"},
        "schema": {"fields": fields},
        "rows": [{"f": [{"v": v} for v in cells]}],
    }
    fake.answer_next("/queries", json.dumps(answer))

    with pytest.raises(ProviderResponseError, match="expected NUMERIC"):
        list(connector(fake, key).fetch(JAN))


# -- settings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        ({"export_table": "p.d.t` UNION ALL SELECT 1 --"}, "export_table"),
        ({"export_table": "billing_export.gcp_billing_export_v1_X"}, "export_table"),
        ({"billing_account_id": "0123-bad"}, "billing_account_id"),
        ({"billing_endpoint": "127.0.0.1:8080"}, "scheme"),
        ({"location": "US; DROP"}, "location"),
    ],
)
def test_unsafe_or_malformed_settings_are_refused(fake, key, settings, complaint):
    with pytest.raises(ConnectorConfigError, match=complaint):
        connector(fake, key, **settings)


def test_credentials_that_are_not_a_key_file_are_refused():
    config = AccountConfig(
        "GCP",
        {"billing_account_id": ACCOUNT, "export_table": TABLE},
        {"service_account_json": '{"type": "authorized_user"}'},
    )

    with pytest.raises(ConnectorConfigError, match="service-account key"):
        GcpBillingConnector(config)
