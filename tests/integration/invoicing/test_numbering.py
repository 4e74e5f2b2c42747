"""Invoice numbers: per organization and year, without gaps, under concurrency and rollback."""

import asyncio
from datetime import date

import pytest
from costgrid.invoicing.v1 import service_pb2 as pb

from services.invoicing.repository import invoices as repository


async def _all_numbers(api, org):
    invoices = (await api(org).ListInvoices(pb.ListInvoicesRequest(page_size=500))).invoices
    return sorted(i.number for i in invoices)


def _expected(year, count):
    return [f"INV-{year}-{n:04d}" for n in range(1, count + 1)]


async def test_concurrent_generations_number_without_gaps_or_duplicates(api, ingest_data, org):
    accounts = [ingest_data.add_account(org, f"client-{n}") for n in range(4)]
    for account in accounts:
        for month in (1, 2):
            ingest_data.add_cost(org, account, date(2026, month, 5), "EC2", "10")
    requests = [
        pb.GenerateInvoicesRequest(year=2026, month=month, overwrite=overwrite)
        for month in (1, 2)
        for overwrite in (False, True, False)
    ]

    await asyncio.gather(*(api(org, "member").GenerateInvoices(r) for r in requests))

    assert await _all_numbers(api, org) == _expected(2026, 8)


async def test_each_organization_has_its_own_sequence(api, ingest_data, org):
    other = f"{org}-other"
    for owner in (org, other):
        account = ingest_data.add_account(owner, "client")
        ingest_data.add_cost(owner, account, date(2026, 2, 5), "EC2", "10")
        await api(owner).GenerateInvoices(pb.GenerateInvoicesRequest(year=2026, month=2))

    assert await _all_numbers(api, org) == ["INV-2026-0001"]
    assert await _all_numbers(api, other) == ["INV-2026-0001"]


async def test_a_rolled_back_transaction_gives_its_number_back(invoicing, org):
    db = invoicing.runtime.db
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            last = await repository.lock_counter(session, org, 2026)
            await repository.set_counter(session, org, 2026, last + 1)
            raise RuntimeError("the invoice insert failed")

    async with db.transaction() as session:
        assert await repository.lock_counter(session, org, 2026) == 0


async def test_deleting_the_latest_invoice_returns_its_number(api, ingest_data, org):
    accounts = [ingest_data.add_account(org, f"c{n}") for n in range(2)]
    for account in accounts:
        ingest_data.add_cost(org, account, date(2026, 2, 5), "EC2", "10")
    created = (
        await api(org).GenerateInvoices(pb.GenerateInvoicesRequest(year=2026, month=2))
    ).created
    latest = max(created, key=lambda o: o.invoice.number).invoice

    await api(org).DeleteInvoice(pb.DeleteInvoiceRequest(invoice_id=latest.id))
    again = await api(org).GenerateInvoices(pb.GenerateInvoicesRequest(year=2026, month=2))

    assert again.created[0].invoice.number == latest.number
    assert await _all_numbers(api, org) == _expected(2026, 2)
