"""GenerateInvoices: which accounts get an invoice, with what status, lines and dates, and
what a second run or an overwrite does."""

import socket
from datetime import date

import grpc
import pytest
from costgrid.common.v1 import money_pb2
from costgrid.ingest.v1 import service_pb2 as ingest_pb
from costgrid.ingest.v1 import service_pb2_grpc as ingest_grpc
from costgrid.invoicing.v1 import service_pb2 as pb
from costgrid.invoicing.v1 import service_pb2_grpc

from services.common.caller import Caller
from services.common.errors_client import error_info
from services.common.messaging import INVOICE_ISSUED
from services.common.server import start
from services.invoicing.bootstrap import definition
from tests.integration.invoicing.conftest import published
from tests.support.grpc_client import channel_as


def _month(api, org, year, month, overwrite=False, role="admin"):
    return api(org, role).GenerateInvoices(
        pb.GenerateInvoicesRequest(year=year, month=month, overwrite=overwrite)
    )


async def test_ended_month_is_pending_with_one_rounded_line_per_service(api, ingest_data, org):
    account = ingest_data.add_account(org, "Acme prod")
    ingest_data.add_cost(org, account, date(2026, 2, 3), "Amazon EC2", "100.005")
    ingest_data.add_cost(org, account, date(2026, 2, 20), "Amazon EC2", "20.001")
    ingest_data.add_cost(org, account, date(2026, 2, 9), "Amazon S3", "3.333")
    ingest_data.add_cost(org, account, date(2026, 3, 1), "Amazon S3", "999")  # next month

    report = await _month(api, org, 2026, 2)

    assert [o.account_id for o in report.created] == [account]
    invoice = report.created[0].invoice
    assert invoice.status == pb.INVOICE_STATUS_PENDING
    assert invoice.number == "INV-2026-0001"
    assert invoice.client_name == "Acme prod"
    assert (invoice.period.start_date, invoice.period.end_date) == ("2026-02-01", "2026-02-28")
    assert [(line.description, line.amount.amount) for line in invoice.lines] == [
        ("Amazon EC2", "120.01"),
        ("Amazon S3", "3.33"),
    ]
    assert invoice.amount == money_pb2.Money(currency_code="USD", amount="123.34")
    assert (invoice.issue_date, invoice.due_date) == ("2026-03-15", "2026-04-14")


async def test_current_month_is_a_draft_without_issue_date(api, ingest_data, org):
    account = ingest_data.add_account(org, "Acme dev")
    ingest_data.add_cost(org, account, date(2026, 3, 2), "Compute Engine", "10")

    invoice = (await _month(api, org, 2026, 3)).created[0].invoice

    assert invoice.status == pb.INVOICE_STATUS_DRAFT
    assert (invoice.issue_date, invoice.due_date) == ("", "")


async def test_accounts_without_cost_are_skipped_and_inactive_ones_ignored(api, ingest_data, org):
    billed = ingest_data.add_account(org, "billed")
    idle = ingest_data.add_account(org, "idle")
    credited = ingest_data.add_account(org, "credited")
    inactive = ingest_data.add_account(org, "inactive", active=False)
    ingest_data.add_cost(org, billed, date(2026, 1, 5), "S3", "1")
    ingest_data.add_cost(org, credited, date(2026, 1, 5), "S3", "0.004")
    ingest_data.add_cost(org, inactive, date(2026, 1, 5), "S3", "50")

    report = await _month(api, org, 2026, 1)

    assert [o.account_id for o in report.created] == [billed]
    skipped = {o.account_id: o for o in report.skipped}
    assert set(skipped) == {idle, credited}
    assert all(o.skip_reason == pb.INVOICE_SKIP_REASON_NO_COST for o in skipped.values())
    assert "no cost in 2026-01" in skipped[idle].detail


async def test_second_run_leaves_existing_invoices_alone(api, ingest_data, org):
    account = ingest_data.add_account(org, "a")
    ingest_data.add_cost(org, account, date(2026, 2, 1), "S3", "10")
    first = (await _month(api, org, 2026, 2)).created[0].invoice
    ingest_data.add_cost(org, account, date(2026, 2, 2), "S3", "5")  # a later sync

    again = await _month(api, org, 2026, 2)

    assert not again.created and not again.updated
    assert again.skipped[0].skip_reason == pb.INVOICE_SKIP_REASON_ALREADY_EXISTS
    assert again.skipped[0].invoice == first


async def test_overwrite_recalculates_after_a_resync(api, ingest_data, org):
    account = ingest_data.add_account(org, "a")
    ingest_data.add_cost(org, account, date(2026, 2, 1), "S3", "10")
    first = (await _month(api, org, 2026, 2)).created[0].invoice
    ingest_data.replace_costs(
        account, [(date(2026, 2, 1), "S3", "12.5", "USD"), (date(2026, 2, 1), "EC2", "1", "USD")]
    )

    report = await _month(api, org, 2026, 2, overwrite=True)

    updated = report.updated[0].invoice
    assert (updated.id, updated.number, updated.status) == (first.id, first.number, first.status)
    assert updated.amount.amount == "13.50"
    assert [line.category for line in updated.lines] == ["S3", "EC2"]
    unchanged = await _month(api, org, 2026, 2, overwrite=True)
    assert unchanged.skipped[0].skip_reason == pb.INVOICE_SKIP_REASON_ALREADY_EXISTS
    assert "nothing changed" in unchanged.skipped[0].detail


async def test_overwrite_never_touches_a_paid_invoice(api, ingest_data, org):
    account = ingest_data.add_account(org, "a")
    ingest_data.add_cost(org, account, date(2026, 2, 1), "S3", "10")
    invoice = (await _month(api, org, 2026, 2)).created[0].invoice
    paid = (
        await api(org).MarkInvoicePaid(pb.MarkInvoicePaidRequest(invoice_id=invoice.id))
    ).invoice
    ingest_data.add_cost(org, account, date(2026, 2, 3), "S3", "90")

    report = await _month(api, org, 2026, 2, overwrite=True)

    assert report.skipped[0].skip_reason == pb.INVOICE_SKIP_REASON_ALREADY_PAID
    after = (await api(org).GetInvoice(pb.GetInvoiceRequest(invoice_id=invoice.id))).invoice
    assert after == paid


async def test_overwrite_issues_a_draft_whose_month_has_ended(
    api, ingest_data, org, clock, messaging
):
    account = ingest_data.add_account(org, "a")
    ingest_data.add_cost(org, account, date(2026, 3, 1), "S3", "10")
    draft = (await _month(api, org, 2026, 3)).created[0].invoice
    clock.now = clock.now.replace(month=4, day=2)

    issued = (await _month(api, org, 2026, 3, overwrite=True)).updated[0].invoice

    assert (issued.id, issued.status) == (draft.id, pb.INVOICE_STATUS_PENDING)
    assert (issued.issue_date, issued.due_date) == ("2026-04-02", "2026-05-02")
    events = await published(messaging, INVOICE_ISSUED, org, expect=1)
    assert len(events) == 1


async def test_markup_terms_and_client_come_from_the_account_settings(api, ingest_data, org):
    account = ingest_data.add_account(org, "acct-7")
    ingest_data.add_cost(org, account, date(2026, 2, 1), "EC2", "100.004")
    ingest_data.add_cost(org, account, date(2026, 2, 1), "S3", "0.333")
    await api(org).SetAccountBillingSettings(
        pb.SetAccountBillingSettingsRequest(
            settings=pb.AccountBillingSettings(
                account_id=account,
                markup_percent="12.5",
                payment_terms_days=14,
                client_name="Globex GmbH",
                client_address="Hauptstr. 1\n10115 Berlin",
            )
        )
    )

    invoice = (await _month(api, org, 2026, 2)).created[0].invoice

    assert [(line.category, line.amount.amount) for line in invoice.lines] == [
        ("EC2", "100.00"),
        ("S3", "0.33"),
        ("markup", "12.54"),  # 12.5% of 100.33 = 12.54125
    ]
    assert invoice.amount.amount == "112.87"
    assert invoice.client_name == "Globex GmbH"
    assert invoice.due_date == "2026-03-29"


async def test_a_multi_currency_account_gets_one_invoice_per_currency(api, ingest_data, org):
    account = ingest_data.add_account(org, "global")
    ingest_data.add_cost(org, account, date(2026, 2, 1), "EC2", "10", "USD")
    ingest_data.add_cost(org, account, date(2026, 2, 1), "EC2", "1500.5", "JPY")

    report = await _month(api, org, 2026, 2)

    amounts = sorted((o.invoice.currency_code, o.invoice.amount.amount) for o in report.created)
    assert amounts == [("JPY", "1501"), ("USD", "10.00")]
    assert {o.invoice.number for o in report.created} == {"INV-2026-0001", "INV-2026-0002"}


async def test_a_month_not_started_or_out_of_range_is_invalid(api, org):
    for year, month, field in ((2026, 4, "month"), (2026, 13, "month"), (1999, 1, "year")):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await _month(api, org, year, month)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert error_info(caught.value).metadata["field"] == field


async def test_viewers_cannot_generate(api, org):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await _month(api, org, 2026, 2, role="viewer")
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_ingest_is_asked_as_the_calling_user_of_the_calling_org(api, ingest_data, org):
    ingest_data.add_account(org, "a")
    before = len(ingest_data.calls)

    await _month(api, org, 2026, 2, role="member")

    callers = {caller for _, caller in ingest_data.calls[before:]}
    assert {(c.org_id, c.role, c.principal) for c in callers} == {
        (org, "member", f"user:member@{org}")
    }


async def test_generation_says_unavailable_while_ingest_is_down(settings, clock, org):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{probe.getsockname()[1]}"
    running = await start(definition(clock), settings.model_copy(update={"ingest_addr": dead}))
    try:
        async with channel_as(running.address, settings, Caller(org, "admin", "t")) as channel:
            stub = service_pb2_grpc.InvoiceServiceStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await stub.GenerateInvoices(pb.GenerateInvoicesRequest(year=2026, month=2))
    finally:
        await running.stop(grace=1)
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert error_info(caught.value).reason == "INGEST_UNAVAILABLE"


async def test_the_ingest_double_checks_the_signed_caller_like_ingest(settings, ingest):
    async with channel_as(ingest.address, settings, None) as channel:
        stub = ingest_grpc.CloudAccountServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ListCloudAccounts(ingest_pb.ListCloudAccountsRequest())
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
