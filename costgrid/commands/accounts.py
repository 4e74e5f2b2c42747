"""costgrid accounts: the organization's cloud accounts."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from costgrid.client import CliError
from costgrid.options import PageSize, PageToken, Yes, confirm
from costgrid.output import Output, OutputOption, emit, next_page, note
from costgrid.session import client

app = typer.Typer(help="Cloud accounts: list, add, test, delete.", no_args_is_help=True)

COLUMNS = ["id", "name", "provider", "active", "has_credentials", "last_sync_time"]
PROVIDERS = ("aws", "gcp", "azure", "digitalocean", "focus_file")


@app.command("list")
def list_accounts(
    output: OutputOption = Output.table,
    provider: Annotated[str | None, typer.Option(help=", ".join(PROVIDERS))] = None,
    active_only: Annotated[bool, typer.Option(help="Only active accounts.")] = False,
    page_size: PageSize = None,
    page_token: PageToken = None,
) -> None:
    """The organization's cloud accounts.

    Example: costgrid accounts list --provider aws --output csv
    """
    body = client().get(
        "/cloud-accounts",
        provider=provider,
        active_only=active_only or None,
        page_size=page_size,
        page_token=page_token,
    )
    emit(body, output, body.get("cloud_accounts") or [], COLUMNS)
    next_page(body)


def _json_object(text: str | None, option: str) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"{option} is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise CliError(f"{option} must be a JSON object")
    return value


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A name people recognise.")],
    provider: Annotated[str, typer.Option(help=", ".join(PROVIDERS))],
    settings: Annotated[
        str | None,
        typer.Option(help='The provider\'s settings as JSON, e.g. \'{"path": "aws.csv"}\'.'),
    ] = None,
    credentials: Annotated[
        str | None, typer.Option(help="The provider's credentials as JSON (stored encrypted).")
    ] = None,
    output: OutputOption = Output.table,
) -> None:
    """Connect a cloud account (the OpenAPI document lists each provider's settings).

    Example: costgrid accounts add "Uploads" --provider focus_file --settings '{}'
    """
    account: dict[str, Any] = {"name": name, "provider": provider}
    provider_settings = _json_object(settings, "--settings")
    if provider_settings is not None:
        account["settings"] = {provider: provider_settings}
    body: dict[str, Any] = {"cloud_account": account}
    secret = _json_object(credentials, "--credentials")
    if secret is not None:
        body["credentials"] = {provider: secret}
    created = client().call("POST", "/cloud-accounts", body=body)
    emit(created, output, columns=COLUMNS)


@app.command("test")
def test(
    account_id: Annotated[int, typer.Argument(help="The account's id.")],
    output: OutputOption = Output.table,
) -> None:
    """Check that the account's credentials reach its provider; exit 1 when they do not.

    Example: costgrid accounts test 3
    """
    answer = client().call("POST", f"/cloud-accounts/{account_id}/test-connection", body={})
    emit(answer, output)
    if not answer.get("ok"):
        raise typer.Exit(1)


@app.command("delete")
def delete(
    account_id: Annotated[int, typer.Argument(help="The account's id.")],
    yes: Yes = False,
) -> None:
    """Delete a cloud account and its costs.

    Example: costgrid accounts delete 3 --yes
    """
    confirm(f"Delete cloud account {account_id} and its costs?", yes)
    client().call("DELETE", f"/cloud-accounts/{account_id}")
    note(f"deleted cloud account {account_id}")
