"""Paying, editing, deleting, listing and reading invoices; roles and tenant isolation."""

from datetime import UTC, date, datetime

import grpc
import pytest
from costgrid.common.v1 import money_pb2
from costgrid.invoicing.v1 import service_pb2 as pb
from google.protobuf import field_mask_pb2, timestamp_pb2

from services.common.errors_client import error_info


async def _invoice(api, ingest_data, org, month=2, amount="10", name="client"):
    account = ingest_data.add_account(org, name)
    ingest_data.add_cost(org, account, date(2026, month, 5), "EC2", amount)
    report = await api(org).GenerateInvoices(pb.GenerateInvoicesRequest(year=2026, month=month))
    return report.created[0].invoice


async def _rejected(call, code):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    assert caught.value.code() == code, caught.value.details()
    return caught.value


def _update(invoice_id, paths, amount=None, notes=""):
    return pb.UpdateInvoiceRequest(
        invoice=pb.Invoice(id=invoice_id, amount=amount, notes=notes),
        update_mask=field_mask_pb2.FieldMask(paths=paths),
    )


async def test_marking_paid_twice_keeps_the_first_paid_time(api, ingest_data, org):
    invoice = await _invoice(api, ingest_data, org)
    when = timestamp_pb2.Timestamp()
    when.FromDatetime(datetime(2026, 3, 10, 9, 30, tzinfo=UTC))

    first = await api(org, "member").MarkInvoicePaid(
        pb.MarkInvoicePaidRequest(invoice_id=invoice.id, paid_time=when)
    )
    second = await api(org, "member").MarkInvoicePaid(
        pb.MarkInvoicePaidRequest(invoice_id=invoice.id)
    )

    assert first.invoice.status == pb.INVOICE_STATUS_PAID
    assert first.invoice.paid_time == when
    assert second.invoice == first.invoice


async def test_a_draft_cannot_be_paid(api, ingest_data, org):
    draft = await _invoice(api, ingest_data, org, month=3)
    error = await _rejected(
        api(org).MarkInvoicePaid(pb.MarkInvoicePaidRequest(invoice_id=draft.id)),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert error_info(error).reason == "INVOICE_NOT_ISSUED"


async def test_update_changes_only_the_masked_fields(api, ingest_data, org):
    invoice = await _invoice(api, ingest_data, org)

    notes_only = await api(org, "member").UpdateInvoice(
        _update(invoice.id, ["notes"], money_pb2.Money(currency_code="USD", amount="1"), "Thanks!")
    )
    both = await api(org, "member").UpdateInvoice(
        _update(invoice.id, ["amount", "notes"], money_pb2.Money(amount="9.50"), "Discounted")
    )

    assert (notes_only.invoice.notes, notes_only.invoice.amount.amount) == ("Thanks!", "10.00")
    assert (both.invoice.notes, both.invoice.amount.amount) == ("Discounted", "9.50")
    assert both.invoice.lines[:-1] == invoice.lines
    assert (both.invoice.lines[-1].category, both.invoice.lines[-1].amount.amount) == (
        "adjustment",
        "-0.50",
    )


async def test_a_paid_invoice_amount_is_immutable_but_notes_are_not(api, ingest_data, org):
    invoice = await _invoice(api, ingest_data, org)
    await api(org).MarkInvoicePaid(pb.MarkInvoicePaidRequest(invoice_id=invoice.id))

    error = await _rejected(
        api(org).UpdateInvoice(_update(invoice.id, ["amount"], money_pb2.Money(amount="1"))),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    noted = await api(org).UpdateInvoice(_update(invoice.id, ["notes"], notes="paid by wire"))

    assert error_info(error).reason == "INVOICE_PAID"
    assert (noted.invoice.amount.amount, noted.invoice.notes) == ("10.00", "paid by wire")


@pytest.mark.parametrize(
    ("paths", "amount", "field"),
    [
        ([], None, "update_mask"),
        (["status"], None, "update_mask"),
        (["amount"], money_pb2.Money(amount="1.234"), "invoice.amount.amount"),
        (["amount"], money_pb2.Money(amount="abc"), "invoice.amount.amount"),
        (["amount"], money_pb2.Money(amount="-1"), "invoice.amount.amount"),
        (
            ["amount"],
            money_pb2.Money(currency_code="EUR", amount="1"),
            "invoice.amount.currency_code",
        ),
    ],
)
async def test_bad_updates_are_rejected_and_change_nothing(
    api, ingest_data, org, paths, amount, field
):
    invoice = await _invoice(api, ingest_data, org)
    error = await _rejected(
        api(org).UpdateInvoice(_update(invoice.id, paths, amount, "x")),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert error_info(error).metadata["field"] == field
    after = await api(org).GetInvoice(pb.GetInvoiceRequest(invoice_id=invoice.id))
    assert after.invoice == invoice


async def test_only_admins_delete_and_viewers_only_read(api, ingest_data, org):
    invoice = await _invoice(api, ingest_data, org)
    await _rejected(
        api(org, "member").DeleteInvoice(pb.DeleteInvoiceRequest(invoice_id=invoice.id)),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await _rejected(
        api(org, "viewer").MarkInvoicePaid(pb.MarkInvoicePaidRequest(invoice_id=invoice.id)),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    read = await api(org, "viewer").GetInvoice(pb.GetInvoiceRequest(invoice_id=invoice.id))
    assert read.invoice == invoice

    await api(org, "admin").DeleteInvoice(pb.DeleteInvoiceRequest(invoice_id=invoice.id))

    await _rejected(
        api(org).GetInvoice(pb.GetInvoiceRequest(invoice_id=invoice.id)), grpc.StatusCode.NOT_FOUND
    )


async def test_another_organization_sees_nothing_of_an_invoice(api, ingest_data, org):
    invoice = await _invoice(api, ingest_data, org)
    intruder = api(f"{org}-intruder")
    calls = [
        intruder.GetInvoice(pb.GetInvoiceRequest(invoice_id=invoice.id)),
        intruder.MarkInvoicePaid(pb.MarkInvoicePaidRequest(invoice_id=invoice.id)),
        intruder.UpdateInvoice(_update(invoice.id, ["notes"], notes="mine")),
        intruder.DeleteInvoice(pb.DeleteInvoiceRequest(invoice_id=invoice.id)),
        intruder.GetInvoiceDocument(
            pb.GetInvoiceDocumentRequest(invoice_id=invoice.id, format=pb.DOCUMENT_FORMAT_PDF)
        ),
    ]
    for call in calls:
        await _rejected(call, grpc.StatusCode.NOT_FOUND)
    assert not (await intruder.ListInvoices(pb.ListInvoicesRequest())).invoices
    owner_view = await api(org).GetInvoice(pb.GetInvoiceRequest(invoice_id=invoice.id))
    assert owner_view.invoice == invoice


async def test_list_filters_by_account_status_and_period(api, ingest_data, org):
    jan = await _invoice(api, ingest_data, org, month=1, name="a")
    feb = await _invoice(api, ingest_data, org, month=2, name="b")
    mar = await _invoice(api, ingest_data, org, month=3, name="c")
    await api(org).MarkInvoicePaid(pb.MarkInvoicePaidRequest(invoice_id=jan.id))

    async def ids(**filters):
        response = await api(org, "viewer").ListInvoices(pb.ListInvoicesRequest(**filters))
        return [i.id for i in response.invoices]

    assert await ids() == [mar.id, feb.id, jan.id]
    assert await ids(account_id=feb.account_id) == [feb.id]
    assert await ids(status=pb.INVOICE_STATUS_PAID) == [jan.id]
    assert await ids(status=pb.INVOICE_STATUS_DRAFT) == [mar.id]
    assert await ids(period_year=2026, period_month=2) == [feb.id]
    assert await ids(period_year=2025) == []
    listed = (await api(org).ListInvoices(pb.ListInvoicesRequest())).invoices
    assert all(not i.lines for i in listed)


async def test_list_pages_through_every_invoice_once(api, ingest_data, org):
    for n in range(5):
        await _invoice(api, ingest_data, org, month=1 + n % 3, name=f"p{n}")
    seen, token = [], ""
    while True:
        page = await api(org).ListInvoices(pb.ListInvoicesRequest(page_size=2, page_token=token))
        assert len(page.invoices) <= 2
        seen += [i.number for i in page.invoices]
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == [f"INV-2026-{n:04d}" for n in range(1, 6)]


async def test_list_rejects_bad_filters_and_foreign_tokens(api, ingest_data, org):
    for _ in range(3):
        await _invoice(api, ingest_data, org)
    token = (await api(org).ListInvoices(pb.ListInvoicesRequest(page_size=1))).next_page_token
    for request, field in (
        (pb.ListInvoicesRequest(period_month=13), "period_month"),
        (pb.ListInvoicesRequest(status=99), "status"),
        (pb.ListInvoicesRequest(page_size=-1), "page_size"),
        (pb.ListInvoicesRequest(page_token=token, status=pb.INVOICE_STATUS_PAID), "page_token"),
        (pb.ListInvoicesRequest(page_token="forged"), "page_token"),
    ):
        error = await _rejected(api(org).ListInvoices(request), grpc.StatusCode.INVALID_ARGUMENT)
        assert error_info(error).metadata["field"] == field
    other = api(f"{org}-other").ListInvoices(pb.ListInvoicesRequest(page_size=1, page_token=token))
    await _rejected(other, grpc.StatusCode.INVALID_ARGUMENT)


async def test_billing_settings_default_then_replace(api, ingest_data, org):
    account = ingest_data.add_account(org, "client")
    defaults = await api(org, "viewer").GetAccountBillingSettings(
        pb.GetAccountBillingSettingsRequest(account_id=account)
    )
    assert (defaults.settings.markup_percent, defaults.settings.payment_terms_days) == ("0", 30)

    saved = await api(org).SetAccountBillingSettings(
        pb.SetAccountBillingSettingsRequest(
            settings=pb.AccountBillingSettings(account_id=account, markup_percent="7.50")
        )
    )
    read = await api(org).GetAccountBillingSettings(
        pb.GetAccountBillingSettingsRequest(account_id=account)
    )

    assert saved.settings == read.settings
    assert (read.settings.markup_percent, read.settings.payment_terms_days) == ("7.5", 30)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"markup_percent": "-1"}, grpc.StatusCode.INVALID_ARGUMENT),
        ({"markup_percent": "ten"}, grpc.StatusCode.INVALID_ARGUMENT),
        ({"payment_terms_days": 400}, grpc.StatusCode.INVALID_ARGUMENT),
        ({"account_id": 0}, grpc.StatusCode.INVALID_ARGUMENT),
        ({"account_id": 987654}, grpc.StatusCode.NOT_FOUND),
    ],
)
async def test_bad_billing_settings_are_rejected(api, ingest_data, org, overrides, code):
    account = ingest_data.add_account(org, "client")
    values = {"account_id": account, **overrides}
    await _rejected(
        api(org).SetAccountBillingSettings(
            pb.SetAccountBillingSettingsRequest(settings=pb.AccountBillingSettings(**values))
        ),
        code,
    )


async def test_billing_settings_of_another_orgs_account_are_not_found(api, ingest_data, org):
    foreign = ingest_data.add_account(f"{org}-other", "theirs")
    await _rejected(
        api(org).SetAccountBillingSettings(
            pb.SetAccountBillingSettingsRequest(
                settings=pb.AccountBillingSettings(account_id=foreign)
            )
        ),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_issuer_profile_is_admin_only_and_validated(api, org):
    profile = pb.IssuerProfile(
        name="Cloudwise Ltd", email="billing@cloudwise.example", tax_id="GB1"
    )
    empty = await api(org, "viewer").GetIssuerProfile(pb.GetIssuerProfileRequest())
    assert empty.profile == pb.IssuerProfile()
    await _rejected(
        api(org, "member").SetIssuerProfile(pb.SetIssuerProfileRequest(profile=profile)),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    for bad, field in (
        (pb.IssuerProfile(), "profile.name"),
        (pb.IssuerProfile(name="x", email="nope"), "profile.email"),
    ):
        error = await _rejected(
            api(org).SetIssuerProfile(pb.SetIssuerProfileRequest(profile=bad)),
            grpc.StatusCode.INVALID_ARGUMENT,
        )
        assert error_info(error).metadata["field"] == field

    await api(org).SetIssuerProfile(pb.SetIssuerProfileRequest(profile=profile))

    assert (await api(org).GetIssuerProfile(pb.GetIssuerProfileRequest())).profile == profile


async def test_reading_billing_settings_of_another_orgs_account_is_not_found(api, ingest_data, org):
    foreign = ingest_data.add_account(f"{org}-other", "theirs")
    await _rejected(
        api(org).GetAccountBillingSettings(pb.GetAccountBillingSettingsRequest(account_id=foreign)),
        grpc.StatusCode.NOT_FOUND,
    )
