"""gRPC servicers of the invoicing service: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

import grpc
from costgrid.invoicing.v1 import service_pb2 as pb
from costgrid.invoicing.v1 import service_pb2_grpc as grpc_invoicing

from services.common.dates import check_month
from services.common.errors import InvalidArgument
from services.common.server import service_name
from services.common.servicer import Ctx
from services.invoicing.api import convert
from services.invoicing.deps import Deps
from services.invoicing.handlers import billing_settings, documents, generation, invoices
from services.invoicing.repository.invoices import ListFilter

PERIOD_FIELDS = ("period_year", "period_month")
_FORMATS = {pb.DOCUMENT_FORMAT_PDF: "pdf", pb.DOCUMENT_FORMAT_CSV: "csv"}


def _positive(value: int, field: str) -> int:
    if value <= 0:
        raise InvalidArgument(field, "must be a positive id")
    return value


class InvoiceApi(grpc_invoicing.InvoiceServiceServicer):
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def GenerateInvoices(
        self, request: pb.GenerateInvoicesRequest, context: Ctx
    ) -> pb.GenerateInvoicesResponse:
        report = await generation.generate_invoices(
            self._deps, request.year, request.month, request.overwrite
        )
        return pb.GenerateInvoicesResponse(**convert.report_fields(report))

    async def GenerateHistoricalInvoices(
        self, request: pb.GenerateHistoricalInvoicesRequest, context: Ctx
    ) -> pb.GenerateHistoricalInvoicesResponse:
        report = await generation.generate_historical(self._deps)
        return pb.GenerateHistoricalInvoicesResponse(**convert.report_fields(report))

    async def GetInvoice(
        self, request: pb.GetInvoiceRequest, context: Ctx
    ) -> pb.GetInvoiceResponse:
        invoice_id = _positive(request.invoice_id, "invoice_id")
        invoice = await invoices.get_invoice(self._deps, invoice_id)
        return pb.GetInvoiceResponse(invoice=convert.invoice_pb(invoice))

    async def ListInvoices(
        self, request: pb.ListInvoicesRequest, context: Ctx
    ) -> pb.ListInvoicesResponse:
        if request.account_id < 0:
            raise InvalidArgument("account_id", "must not be negative")
        if not 0 <= request.period_month <= 12:
            raise InvalidArgument("period_month", "must be between 1 and 12, or 0 for any")
        if request.period_year:
            check_month(request.period_year, request.period_month or 1, PERIOD_FIELDS)
        where = ListFilter(
            account_id=request.account_id,
            status=convert.status_from_pb(request.status, "status", allow_unspecified=True),
            period_year=request.period_year,
            period_month=request.period_month,
        )
        page, token = await invoices.list_invoices(
            self._deps, where, request.page_size, request.page_token
        )
        return pb.ListInvoicesResponse(
            invoices=[convert.invoice_pb(i, with_lines=False) for i in page], next_page_token=token
        )

    async def UpdateInvoice(
        self, request: pb.UpdateInvoiceRequest, context: Ctx
    ) -> pb.UpdateInvoiceResponse:
        invoice_id = _positive(request.invoice.id, "invoice.id")
        paths = tuple(request.update_mask.paths)
        amount, currency = (
            convert.amount_from_pb(request.invoice.amount) if "amount" in paths else (None, "")
        )
        changes = invoices.InvoiceChanges(paths, amount, currency, request.invoice.notes)
        invoice = await invoices.update_invoice(self._deps, invoice_id, changes)
        return pb.UpdateInvoiceResponse(invoice=convert.invoice_pb(invoice))

    async def MarkInvoicePaid(
        self, request: pb.MarkInvoicePaidRequest, context: Ctx
    ) -> pb.MarkInvoicePaidResponse:
        invoice_id = _positive(request.invoice_id, "invoice_id")
        paid_at = (
            request.paid_time.ToDatetime(tzinfo=UTC) if request.HasField("paid_time") else None
        )
        invoice = await invoices.mark_paid(self._deps, invoice_id, paid_at)
        return pb.MarkInvoicePaidResponse(invoice=convert.invoice_pb(invoice))

    async def DeleteInvoice(
        self, request: pb.DeleteInvoiceRequest, context: Ctx
    ) -> pb.DeleteInvoiceResponse:
        await invoices.delete_invoice(self._deps, _positive(request.invoice_id, "invoice_id"))
        return pb.DeleteInvoiceResponse()

    async def GetInvoiceDocument(
        self, request: pb.GetInvoiceDocumentRequest, context: Ctx
    ) -> pb.GetInvoiceDocumentResponse:
        invoice_id = _positive(request.invoice_id, "invoice_id")
        document = await documents.invoice_document(
            self._deps, invoice_id, _FORMATS.get(request.format, "")
        )
        return pb.GetInvoiceDocumentResponse(
            content=document.content,
            content_type=document.content_type,
            filename=document.filename,
        )

    async def SetAccountBillingSettings(
        self, request: pb.SetAccountBillingSettingsRequest, context: Ctx
    ) -> pb.SetAccountBillingSettingsResponse:
        value = convert.settings_from_pb(request.settings)
        saved = await billing_settings.set_billing_settings(self._deps, value)
        return pb.SetAccountBillingSettingsResponse(settings=convert.settings_pb(saved))

    async def GetAccountBillingSettings(
        self, request: pb.GetAccountBillingSettingsRequest, context: Ctx
    ) -> pb.GetAccountBillingSettingsResponse:
        value = await billing_settings.get_billing_settings(self._deps, request.account_id)
        return pb.GetAccountBillingSettingsResponse(settings=convert.settings_pb(value))

    async def SetIssuerProfile(
        self, request: pb.SetIssuerProfileRequest, context: Ctx
    ) -> pb.SetIssuerProfileResponse:
        value = convert.profile_from_pb(request.profile)
        saved = await billing_settings.set_issuer_profile(self._deps, value)
        return pb.SetIssuerProfileResponse(profile=convert.profile_pb(saved))

    async def GetIssuerProfile(
        self, request: pb.GetIssuerProfileRequest, context: Ctx
    ) -> pb.GetIssuerProfileResponse:
        profile = await billing_settings.get_issuer_profile(self._deps)
        return pb.GetIssuerProfileResponse(profile=convert.profile_pb(profile))


def register(server: grpc.aio.Server, deps: Deps) -> Iterable[str]:
    grpc_invoicing.add_InvoiceServiceServicer_to_server(InvoiceApi(deps), server)
    return [service_name(pb, "InvoiceService")]
