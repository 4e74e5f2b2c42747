"""metering.period_closed becomes one issued invoice per statement, however often it arrives."""

import asyncio
import uuid
from datetime import UTC, datetime

from costgrid.common.v1 import money_pb2
from costgrid.invoicing.v1 import service_pb2 as pb
from costgrid.metering.v1 import events_pb2 as metering_events
from costgrid.metering.v1 import service_pb2 as metering_pb

from services.common.inbox import InboxConsumer
from services.common.messaging import EVENTS_STREAM, INVOICE_ISSUED, PERIOD_CLOSED
from services.common.outbox import EVENT_ORG, EVENT_TYPE, MSG_ID
from services.invoicing import consumers
from services.invoicing.deps import Deps
from services.invoicing.settings import InvoicingSettings
from tests.integration.invoicing.conftest import published

_STATEMENT_IDS = iter(range(10_000, 20_000))


def _line(category, description, amount, quantity="", unit="", rate=""):
    return metering_pb.StatementLine(
        category=category,
        description=description,
        quantity=quantity,
        unit=unit,
        rate=rate,
        amount=money_pb2.Money(currency_code="EUR", amount=amount),
    )


def _event(org: str) -> metering_events.PeriodClosed:
    closed = metering_events.PeriodClosed(event_id=str(uuid.uuid4()), org_id=org)
    statement = closed.statement
    statement.id = next(_STATEMENT_IDS)
    statement.tenant_id, statement.tenant_name = "tenant-42", "Umbrella Corp"
    statement.period, statement.currency_code = "2026-02", "EUR"
    statement.close_time.FromDatetime(datetime(2026, 3, 1, 0, 5, tzinfo=UTC))
    statement.lines.extend(
        [
            _line(metering_pb.STATEMENT_CATEGORY_CPU, "vCPU hours", "61.2345", "2041.15", "vCPU-hour", "0.03"),
            _line(metering_pb.STATEMENT_CATEGORY_MEMORY, "Memory", "10.005", "2501.25", "GiB-hour", "0.004"),
            _line(metering_pb.STATEMENT_CATEGORY_LOGS_OVERAGE, "Logs overage", "2.50"),
            _line(metering_pb.STATEMENT_CATEGORY_CREDITS, "Credits", "-5"),
        ]
    )  # fmt: skip
    return closed


async def _publish(messaging, closed, msg_id: str) -> None:
    await messaging.js.publish(
        messaging.namespace.subject(PERIOD_CLOSED),
        closed.SerializeToString(),
        headers={
            MSG_ID: msg_id,
            EVENT_ORG: closed.org_id,
            EVENT_TYPE: closed.DESCRIPTOR.full_name,
        },
    )


async def _invoices(api, org, expect: int, within: float = 10.0):
    deadline = asyncio.get_running_loop().time() + within
    while True:
        listed = (await api(org).ListInvoices(pb.ListInvoicesRequest())).invoices
        if len(listed) >= expect or asyncio.get_running_loop().time() > deadline:
            return listed
        await asyncio.sleep(0.05)


async def test_a_closed_period_becomes_an_issued_invoice_with_a_line_per_category(
    api, invoicing, messaging, org
):
    closed = _event(org)
    await _publish(messaging, closed, closed.event_id)

    [listed] = await _invoices(api, org, expect=1)
    invoice = (await api(org).GetInvoice(pb.GetInvoiceRequest(invoice_id=listed.id))).invoice

    assert invoice.source == pb.INVOICE_SOURCE_METERING
    assert (invoice.tenant_id, invoice.client_name, invoice.account_id) == (
        "tenant-42",
        "Umbrella Corp",
        0,
    )
    assert invoice.status == pb.INVOICE_STATUS_PENDING
    assert (invoice.issue_date, invoice.due_date) == ("2026-03-01", "2026-03-31")
    assert [(line.category, line.amount.amount) for line in invoice.lines] == [
        ("cpu", "61.23"),
        ("memory", "10.01"),
        ("logs_overage", "2.50"),
        ("credits", "-5.00"),
    ]
    assert (invoice.lines[0].quantity, invoice.lines[0].unit_price) == ("2041.15", "0.03")
    assert invoice.amount == money_pb2.Money(currency_code="EUR", amount="68.74")


async def test_redelivered_and_republished_events_make_one_invoice_and_one_issued_event(
    api, invoicing, messaging, org
):
    closed = _event(org)
    # The same event id twice (JetStream de-duplicates), then re-published under new ids,
    # as a metering outbox relay that lost its bookkeeping would.
    for msg_id in (closed.event_id, closed.event_id, "again-1", "again-2"):
        await _publish(messaging, closed, msg_id)
    second_statement = _event(org)
    await _publish(messaging, second_statement, second_statement.event_id)

    await _invoices(api, org, expect=2)
    await asyncio.sleep(0.5)  # time for any duplicate to land

    listed = (await api(org).ListInvoices(pb.ListInvoicesRequest())).invoices
    assert sorted(i.number for i in listed) == ["INV-2026-0001", "INV-2026-0002"]
    assert len(await published(messaging, INVOICE_ISSUED, org, expect=2)) == 2


async def test_a_redelivered_message_is_applied_only_once(api, invoicing, messaging, org):
    closed = _event(org)
    await _publish(messaging, closed, closed.event_id)
    await _invoices(api, org, expect=1)
    # The very message the service already applied, delivered again (as after a lost ack),
    # to the service's own inbox consumer.
    ns = messaging.namespace
    durable = f"redeliver-{uuid.uuid4().hex[:8]}"
    pull = await messaging.js.pull_subscribe(
        ns.subject(PERIOD_CLOSED), durable=durable, stream=ns.stream(EVENTS_STREAM.name)
    )
    runtime = invoicing.runtime
    deps = Deps(runtime.db, None, datetime.now, InvoicingSettings(), b"")  # type: ignore[arg-type]
    inbox = InboxConsumer(runtime.db, runtime.messaging, consumers.subscriptions(deps)[0])
    applied = []
    try:
        while True:
            batch = await pull.fetch(100, timeout=1)
            for msg in batch:
                if msg.headers.get(MSG_ID) == closed.event_id:
                    applied.append(await inbox.handle(msg))
                else:
                    await msg.ack()
    except TimeoutError:
        pass
    finally:
        await messaging.js.delete_consumer(ns.stream(EVENTS_STREAM.name), durable)

    assert applied == [False]
    assert len((await api(org).ListInvoices(pb.ListInvoicesRequest())).invoices) == 1
