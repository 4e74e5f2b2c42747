"""The scheduled overdue check: PENDING past due turns OVERDUE, announced once per invoice."""

import asyncio
from datetime import date, timedelta

import pytest
from costgrid.invoicing.v1 import events_pb2
from costgrid.invoicing.v1 import service_pb2 as pb

from services.common.messaging import INVOICE_OVERDUE
from services.invoicing.deps import Deps
from services.invoicing.handlers.overdue import mark_overdue
from services.invoicing.settings import InvoicingSettings
from tests.integration.invoicing.conftest import published


@pytest.fixture(scope="module")
def invoicing_overrides() -> dict[str, object]:
    return {"invoicing_overdue_interval_seconds": 0.1}


async def _generate(api, ingest_data, org, month, terms=0):
    account = ingest_data.add_account(org, f"client-{month}")
    ingest_data.add_cost(org, account, date(2026, month, 3), "EC2", "40")
    if terms:
        await api(org).SetAccountBillingSettings(
            pb.SetAccountBillingSettingsRequest(
                settings=pb.AccountBillingSettings(account_id=account, payment_terms_days=terms)
            )
        )
    report = await api(org).GenerateInvoices(pb.GenerateInvoicesRequest(year=2026, month=month))
    return report.created[0].invoice


async def _status(api, org, invoice_id):
    return (await api(org).GetInvoice(pb.GetInvoiceRequest(invoice_id=invoice_id))).invoice.status


async def _wait_status(api, org, invoice_id, status):
    for _ in range(100):
        if await _status(api, org, invoice_id) == status:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"invoice {invoice_id} never became {pb.InvoiceStatus.Name(status)}")


async def test_pending_past_due_turns_overdue_and_is_announced_once(
    api, ingest_data, org, clock, messaging
):
    late = await _generate(api, ingest_data, org, month=1, terms=10)  # due 2026-03-25
    on_time = await _generate(api, ingest_data, org, month=2)  # due 2026-04-14
    draft = await _generate(api, ingest_data, org, month=3)
    paid = await _generate(api, ingest_data, org, month=1, terms=5)
    await api(org).MarkInvoicePaid(pb.MarkInvoicePaidRequest(invoice_id=paid.id))

    clock.now = clock.now + timedelta(days=12)  # 2026-03-27
    await _wait_status(api, org, late.id, pb.INVOICE_STATUS_OVERDUE)
    await asyncio.sleep(0.5)  # several more rounds of the loop

    assert await _status(api, org, on_time.id) == pb.INVOICE_STATUS_PENDING
    assert await _status(api, org, draft.id) == pb.INVOICE_STATUS_DRAFT
    assert await _status(api, org, paid.id) == pb.INVOICE_STATUS_PAID
    [message] = await published(messaging, INVOICE_OVERDUE, org, expect=1)
    event = events_pb2.InvoiceOverdue.FromString(message.data)
    assert (event.invoice_id, event.number, event.due_date, event.days_overdue) == (
        late.id,
        late.number,
        "2026-03-25",
        2,
    )
    assert event.amount.amount == "40.00"


async def test_replicas_checking_at_once_announce_each_invoice_once(
    api, ingest_data, org, clock, invoicing, messaging
):
    invoices = [await _generate(api, ingest_data, org, month=2) for _ in range(3)]
    clock.now = clock.now + timedelta(days=45)
    small_batches = InvoicingSettings(invoicing_overdue_batch=2)
    deps = Deps(invoicing.runtime.db, None, clock, small_batches, b"")  # type: ignore[arg-type]

    await asyncio.gather(*(mark_overdue(deps) for _ in range(4)))

    for invoice in invoices:
        await _wait_status(api, org, invoice.id, pb.INVOICE_STATUS_OVERDUE)
    events = await published(messaging, INVOICE_OVERDUE, org, expect=3)
    ids = sorted(events_pb2.InvoiceOverdue.FromString(m.data).invoice_id for m in events)
    assert ids == sorted(i.id for i in invoices)


async def test_an_overdue_invoice_can_still_be_paid(api, ingest_data, org, clock):
    invoice = await _generate(api, ingest_data, org, month=2)
    clock.now = clock.now + timedelta(days=60)
    await _wait_status(api, org, invoice.id, pb.INVOICE_STATUS_OVERDUE)

    paid = await api(org).MarkInvoicePaid(pb.MarkInvoicePaidRequest(invoice_id=invoice.id))

    assert paid.invoice.status == pb.INVOICE_STATUS_PAID
