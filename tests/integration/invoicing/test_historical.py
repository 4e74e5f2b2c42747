"""GenerateHistoricalInvoices: an invoice per account and month with cost, status by age,
and a second run that changes nothing. Today is 2026-03-15."""

from datetime import date

from costgrid.invoicing.v1 import service_pb2 as pb

HISTORICAL = pb.GenerateHistoricalInvoicesRequest()


def _seed(ingest_data, org, months):
    account = ingest_data.add_account(org, "history")
    for year, month in months:
        ingest_data.add_cost(org, account, date(year, month, 10), "EC2", "100")
    return account


def _by_period(outcomes):
    return {(o.period_year, o.period_month): o.invoice for o in outcomes}


async def test_status_by_age_draft_pending_then_paid(api, ingest_data, org):
    months = [(2025, 6), (2025, 12), (2026, 1), (2026, 2), (2026, 3)]
    _seed(ingest_data, org, months)

    report = await api(org).GenerateHistoricalInvoices(HISTORICAL)

    invoices = _by_period(report.created)
    assert sorted(invoices) == months
    statuses = {period: invoice.status for period, invoice in invoices.items()}
    assert statuses == {
        (2025, 6): pb.INVOICE_STATUS_PAID,
        (2025, 12): pb.INVOICE_STATUS_PAID,
        (2026, 1): pb.INVOICE_STATUS_PENDING,
        (2026, 2): pb.INVOICE_STATUS_PENDING,
        (2026, 3): pb.INVOICE_STATUS_DRAFT,
    }
    old = invoices[2025, 12]
    assert (old.issue_date, old.due_date) == ("2026-01-01", "2026-01-31")
    assert old.paid_time.ToDatetime().date() == date(2026, 1, 31)
    assert invoices[2026, 1].issue_date == "2026-03-15"


async def test_numbers_follow_the_months_of_each_year(api, ingest_data, org):
    _seed(ingest_data, org, [(2025, 11), (2025, 12), (2026, 1), (2026, 2)])

    report = await api(org).GenerateHistoricalInvoices(HISTORICAL)

    numbers = {p: i.number for p, i in _by_period(report.created).items()}
    assert numbers == {
        (2025, 11): "INV-2025-0001",
        (2025, 12): "INV-2025-0002",
        (2026, 1): "INV-2026-0001",
        (2026, 2): "INV-2026-0002",
    }


async def test_running_it_twice_changes_nothing(api, ingest_data, org):
    _seed(ingest_data, org, [(2025, 5), (2026, 2), (2026, 3)])
    await api(org).GenerateHistoricalInvoices(HISTORICAL)
    before = (await api(org).ListInvoices(pb.ListInvoicesRequest())).invoices

    again = await api(org).GenerateHistoricalInvoices(HISTORICAL)

    assert not again.created and not again.updated
    assert len(again.skipped) == 3
    assert (await api(org).ListInvoices(pb.ListInvoicesRequest())).invoices == before


async def test_existing_invoices_get_new_amounts_but_keep_their_status(api, ingest_data, org):
    account = _seed(ingest_data, org, [(2026, 1), (2026, 3)])
    first = _by_period((await api(org).GenerateHistoricalInvoices(HISTORICAL)).created)
    await api(org).MarkInvoicePaid(pb.MarkInvoicePaidRequest(invoice_id=first[2026, 1].id))
    ingest_data.add_cost(org, account, date(2026, 1, 20), "EC2", "50")
    ingest_data.add_cost(org, account, date(2026, 3, 11), "EC2", "7")

    report = await api(org).GenerateHistoricalInvoices(HISTORICAL)

    updated = _by_period(report.updated)
    assert list(updated) == [(2026, 3)]
    assert updated[2026, 3].status == pb.INVOICE_STATUS_DRAFT
    assert updated[2026, 3].amount.amount == "107.00"
    paid = _by_period(report.skipped)[2026, 1]
    assert (paid.status, paid.amount.amount) == (pb.INVOICE_STATUS_PAID, "100.00")


async def test_a_draft_whose_month_has_ended_becomes_pending(api, ingest_data, org, clock):
    _seed(ingest_data, org, [(2026, 3)])
    draft = (await api(org).GenerateHistoricalInvoices(HISTORICAL)).created[0].invoice
    clock.now = clock.now.replace(month=4, day=3)

    report = await api(org).GenerateHistoricalInvoices(HISTORICAL)

    issued = _by_period(report.updated)[2026, 3]
    assert (issued.id, issued.status, issued.issue_date) == (
        draft.id,
        pb.INVOICE_STATUS_PENDING,
        "2026-04-03",
    )


async def test_an_account_without_any_cost_is_reported_skipped(api, ingest_data, org):
    account = ingest_data.add_account(org, "empty")

    report = await api(org).GenerateHistoricalInvoices(HISTORICAL)

    assert [(o.account_id, o.skip_reason) for o in report.skipped] == [
        (account, pb.INVOICE_SKIP_REASON_NO_COST)
    ]
