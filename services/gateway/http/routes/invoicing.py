"""REST routes of the invoicing service: accounts' billing settings, invoices and their
documents, and the issuer profile."""

from __future__ import annotations

import re
from typing import Literal

from costgrid.invoicing.v1 import service_pb2 as invoicing_pb
from costgrid.invoicing.v1 import service_pb2_grpc as invoicing_grpc
from fastapi import Request, Response

from services.gateway.http.params import Id, Viewer
from services.gateway.http.proto_routes import Handler, Route, Rpc, routes
from services.gateway.http.registry import Router, call


def _invoices(method: str) -> Rpc:
    return Rpc(invoicing_pb, invoicing_grpc, "InvoiceService", method)


_FORMATS = {"pdf": invoicing_pb.DOCUMENT_FORMAT_PDF, "csv": invoicing_pb.DOCUMENT_FORMAT_CSV}


async def document(
    request: Request,
    caller: Viewer,
    invoice_id: Id,
    format: Literal["pdf", "csv"] = "pdf",
) -> Response:
    message = invoicing_pb.GetInvoiceDocumentRequest(invoice_id=invoice_id, format=_FORMATS[format])
    answer = await call(
        request, "invoicing", invoicing_grpc.InvoiceServiceStub, "GetInvoiceDocument", message
    )
    # Only safe characters reach the header, whatever name invoicing gives the file.
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", answer.filename) or f"invoice-{invoice_id}.{format}"
    return Response(
        answer.content,
        media_type=answer.content_type or "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


BILLING_SETTINGS = (
    Route(
        "GET /cloud-accounts/{account_id}/billing-settings",
        "viewer",
        _invoices("GetAccountBillingSettings"),
        "How an account's invoices are priced",
        unwrap="settings",
    ),
    Route(
        "PUT /cloud-accounts/{account_id}/billing-settings",
        "admin",
        _invoices("SetAccountBillingSettings"),
        "Replace an account's billing settings",
        example={"markup_percent": 10, "payment_terms_days": 30},
        path_fields={"account_id": "settings.account_id"},
        body="settings",
        unwrap="settings",
    ),
)

INVOICES = (
    Route("GET /invoices", "viewer", _invoices("ListInvoices"), "List invoices"),
    Route(
        "POST /invoices/generate",
        "admin",
        _invoices("GenerateInvoices"),
        "Generate a month's invoices",
        example={"year": 2026, "month": 1},
        body="",
    ),
    Route(
        "POST /invoices/generate-historical",
        "admin",
        _invoices("GenerateHistoricalInvoices"),
        "Invoices for every month with cost data",
        example={},
        body="",
    ),
    Route(
        "GET /invoices/{invoice_id}",
        "viewer",
        _invoices("GetInvoice"),
        "Get an invoice with its lines",
        unwrap="invoice",
    ),
    Route(
        "PATCH /invoices/{invoice_id}",
        "admin",
        _invoices("UpdateInvoice"),
        "Edit an invoice's amount or notes",
        example={"notes": "Thank you"},
        path_fields={"invoice_id": "invoice.id"},
        body="invoice",
        mask=True,
        unwrap="invoice",
    ),
    Route(
        "POST /invoices/{invoice_id}/mark-paid",
        "admin",
        _invoices("MarkInvoicePaid"),
        "Mark an invoice paid",
        example={},
        body="",
        unwrap="invoice",
    ),
    Route(
        "DELETE /invoices/{invoice_id}",
        "admin",
        _invoices("DeleteInvoice"),
        "Delete an invoice",
        status=204,
    ),
    Route(
        "GET /issuer-profile",
        "viewer",
        _invoices("GetIssuerProfile"),
        "The organization as printed on invoices",
        unwrap="profile",
    ),
    Route(
        "PUT /issuer-profile",
        "admin",
        _invoices("SetIssuerProfile"),
        "Replace the issuer profile",
        example={"name": "Example Ltd", "email": "billing@example.com"},
        body="profile",
        unwrap="profile",
    ),
    Route(
        "GET /invoices/{invoice_id}/document",
        "viewer",
        _invoices("GetInvoiceDocument"),
        "Download an invoice as PDF or CSV",
        handler=Handler(document, None, Response),
    ),
)


def add_routes(router: Router) -> None:
    routes(router, "cloud-accounts", BILLING_SETTINGS)
    routes(router, "invoices", INVOICES)
