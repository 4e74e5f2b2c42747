"""Resource routes for cloud accounts, budgets and invoices, one RPC each."""

from __future__ import annotations

from typing import Any

from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.budgets.v1 import service_pb2_grpc as budgets_grpc
from costgrid.ingest.v1 import service_pb2 as ingest_pb
from costgrid.ingest.v1 import service_pb2_grpc as ingest_grpc
from costgrid.invoicing.v1 import service_pb2 as invoicing_pb
from costgrid.invoicing.v1 import service_pb2_grpc as invoicing_grpc

from services.gateway.http.definitions import BUDGET_STATUS
from services.gateway.http.proto_routes import Rpc, route
from services.gateway.http.registry import Router


def _accounts(method: str) -> Rpc:
    return Rpc(ingest_pb, ingest_grpc, "CloudAccountService", method)


def _budgets(method: str) -> Rpc:
    return Rpc(budgets_pb, budgets_grpc, "BudgetService", method)


def _invoices(method: str) -> Rpc:
    return Rpc(invoicing_pb, invoicing_grpc, "InvoiceService", method)


ACCOUNT_EXAMPLE = {
    "cloud_account": {
        "name": "prod-aws",
        "provider": "aws",
        "settings": {"aws": {"cost_metric": "UnblendedCost"}},
    },
    "credentials": {"aws": {"access_key_id": "AKIAEXAMPLE", "secret_access_key": "example"}},
}
DRAFT_EXAMPLE = {
    "draft": {
        "provider": "digitalocean",
        "settings": {"digitalocean": {}},
        "credentials": {"digitalocean": {"token": "example"}},
    }
}
DELETE_ACCOUNT = (
    "Removes the account and its costs from every figure, at once: overview, trends, "
    "breakdowns, budget spend, forecasts and anomalies stop counting it, and invoices not "
    "issued yet (drafts) that bill it are removed; issued invoices are documents and stay as "
    "issued. Its past sync jobs still name it. This cannot be undone: to stop syncing an "
    "account but keep its history, archive it instead (`POST .../archive`)."
)
ARCHIVE_ACCOUNT = (
    "Stops the account for good: it is never synced again (a sync of every account lists it "
    "as skipped, `archived`) and its stored credentials are erased. Its cost history stays in "
    'every figure, where its name reads "<name> (archived)"; the account stays listed with '
    "`archived: true` and `archive_time`, and is read-only (updates answer 409). Archiving "
    "twice changes nothing. Delete it later to remove its costs too."
)
BUDGET_EXAMPLE = {
    "name": "Monthly AWS",
    "amount": {"amount": 5000, "currency": "USD"},
    "period": "monthly",
    "alert_threshold_percent": 80,
}


def add_account_routes(r: Router) -> None:
    kw: dict[str, Any] = {"tag": "cloud-accounts"}  # Any: splatted among route()'s typed keywords
    # fmt: off
    route(r, "GET /cloud-accounts", "viewer", _accounts("ListCloudAccounts"),
          "List cloud accounts", **kw)
    route(r, "POST /cloud-accounts", "admin", _accounts("CreateCloudAccount"),
          "Connect a cloud account", status=201, example=ACCOUNT_EXAMPLE, body="",
          unwrap="cloud_account", **kw)
    route(r, "POST /cloud-accounts/test-connection", "admin", _accounts("TestConnection"),
          "Test settings before saving them", example=DRAFT_EXAMPLE, body="", **kw)
    route(r, "GET /cloud-accounts/{account_id}", "viewer", _accounts("GetCloudAccount"),
          "Get a cloud account", unwrap="cloud_account", **kw)
    route(r, "PATCH /cloud-accounts/{account_id}", "admin", _accounts("UpdateCloudAccount"),
          "Update a cloud account (only the fields sent)", example={"name": "renamed"},
          path_fields={"account_id": "cloud_account.id"}, body="cloud_account",
          extra_body=("credentials",), mask=True, unwrap="cloud_account", **kw)
    route(r, "DELETE /cloud-accounts/{account_id}", "admin", _accounts("DeleteCloudAccount"),
          "Delete a cloud account and every cost it brought", status=204,
          description=DELETE_ACCOUNT, **kw)
    route(r, "POST /cloud-accounts/{account_id}/archive", "admin",
          _accounts("ArchiveCloudAccount"), "Archive a cloud account: no more syncs, history kept",
          example={}, body="", unwrap="cloud_account", description=ARCHIVE_ACCOUNT, **kw)
    route(r, "POST /cloud-accounts/{account_id}/test-connection", "admin",
          _accounts("TestConnection"), "Test a stored account's connection", example={},
          variant="stored", body="", **kw)
    route(r, "GET /cloud-accounts/{account_id}/billing-settings", "viewer",
          _invoices("GetAccountBillingSettings"), "How an account's invoices are priced",
          unwrap="settings", **kw)
    route(r, "PUT /cloud-accounts/{account_id}/billing-settings", "admin",
          _invoices("SetAccountBillingSettings"), "Replace an account's billing settings",
          example={"markup_percent": 10, "payment_terms_days": 30},
          path_fields={"account_id": "settings.account_id"}, body="settings",
          unwrap="settings", **kw)


def add_budget_routes(r: Router) -> None:
    kw: dict[str, Any] = {"tag": "budgets"}  # Any: splatted among route()'s typed keywords
    # fmt: off
    route(r, "GET /budgets", "viewer", _budgets("ListBudgets"),
          "List budgets with their current status", description=BUDGET_STATUS, **kw)
    route(r, "POST /budgets", "member", _budgets("CreateBudget"), "Create a budget",
          status=201, example=BUDGET_EXAMPLE, body="budget", unwrap="budget", **kw)
    route(r, "GET /budgets/{budget_id}", "viewer", _budgets("GetBudget"), "Get a budget",
          unwrap="budget", description=BUDGET_STATUS, **kw)
    route(r, "PATCH /budgets/{budget_id}", "member", _budgets("UpdateBudget"),
          "Update a budget (only the fields sent)", example={"name": "renamed"},
          path_fields={"budget_id": "budget.id"}, body="budget", mask=True, unwrap="budget",
          **kw)
    route(r, "DELETE /budgets/{budget_id}", "member", _budgets("DeleteBudget"),
          "Delete a budget", status=204, **kw)
    route(r, "GET /budgets/{budget_id}/status", "viewer", _budgets("GetBudgetStatus"),
          "A budget's standing this period", unwrap="status", description=BUDGET_STATUS, **kw)
    route(r, "GET /budgets/{budget_id}/alerts", "viewer", _budgets("ListBudgetAlerts"),
          "Alerts one budget fired, newest first", variant="budget", **kw)
    route(r, "GET /budget-alerts", "viewer", _budgets("ListBudgetAlerts"),
          "Alerts of every budget, newest first", **kw)


def add_invoice_routes(r: Router) -> None:
    kw: dict[str, Any] = {"tag": "invoices"}  # Any: splatted among route()'s typed keywords
    # fmt: off
    route(r, "GET /invoices", "viewer", _invoices("ListInvoices"), "List invoices", **kw)
    route(r, "POST /invoices/generate", "admin", _invoices("GenerateInvoices"),
          "Generate a month's invoices", example={"year": 2026, "month": 1}, body="", **kw)
    route(r, "POST /invoices/generate-historical", "admin",
          _invoices("GenerateHistoricalInvoices"), "Invoices for every month with cost data",
          example={}, body="", **kw)
    route(r, "GET /invoices/{invoice_id}", "viewer", _invoices("GetInvoice"),
          "Get an invoice with its lines", unwrap="invoice", **kw)
    route(r, "PATCH /invoices/{invoice_id}", "admin", _invoices("UpdateInvoice"),
          "Edit an invoice's amount or notes", example={"notes": "Thank you"},
          path_fields={"invoice_id": "invoice.id"}, body="invoice", mask=True,
          unwrap="invoice", **kw)
    route(r, "POST /invoices/{invoice_id}/mark-paid", "admin", _invoices("MarkInvoicePaid"),
          "Mark an invoice paid", example={}, body="", unwrap="invoice", **kw)
    route(r, "DELETE /invoices/{invoice_id}", "admin", _invoices("DeleteInvoice"),
          "Delete an invoice", status=204, **kw)
    route(r, "GET /issuer-profile", "viewer", _invoices("GetIssuerProfile"),
          "The organization as printed on invoices", unwrap="profile", **kw)
    route(r, "PUT /issuer-profile", "admin", _invoices("SetIssuerProfile"),
          "Replace the issuer profile",
          example={"name": "Example Ltd", "email": "billing@example.com"}, body="profile",
          unwrap="profile", **kw)
