"""costgrid tokens"""

from __future__ import annotations

from typing import Annotated

import typer

from costgrid.options import PageSize, PageToken, Yes, confirm
from costgrid.output import Output, OutputOption, emit, next_page, note
from costgrid.session import client

app = typer.Typer(
    help="API tokens of the organization: create, list, revoke.", no_args_is_help=True
)
COLUMNS = ["id", "name", "role", "prefix", "active", "create_time", "expire_time", "last_use_time"]


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="What the token is for.")],
    role: Annotated[str, typer.Option(help="viewer, member or admin.")] = "viewer",
    expire_time: Annotated[str | None, typer.Option(help="RFC 3339 expiry.")] = None,
    output: OutputOption = Output.table,
) -> None:
    """Create a token; its secret is printed once and cannot be shown again.

    Example: costgrid tokens create ci-reader --role viewer
    """
    body = {"name": name, "role": role}
    if expire_time:
        body["expire_time"] = expire_time
    created = client().call("POST", "/tokens", body=body)
    emit(
        created,
        output,
        [{**created["token"], "secret": created["secret"]}],
        [*COLUMNS[:4], "secret"],
    )


@app.command("list")
def list_tokens(
    include_inactive: Annotated[bool, typer.Option(help="Also revoked and expired ones.")] = False,
    page_size: PageSize = None,
    page_token: PageToken = None,
    output: OutputOption = Output.table,
) -> None:
    """The organization's tokens (never their secrets).

    Example: costgrid tokens list --include-inactive
    """
    body = client().get(
        "/tokens",
        include_inactive=include_inactive or None,
        page_size=page_size,
        page_token=page_token,
    )
    emit(body, output, body.get("tokens") or [], COLUMNS)
    next_page(body)


@app.command("revoke")
def revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (tokens list).")],
    yes: Yes = False,
) -> None:
    """Revoke a token: it stops working at once.

    Example: costgrid tokens revoke 4 --yes
    """
    confirm(f"Revoke token {token_id}?", yes)
    client().call("DELETE", f"/tokens/{token_id}")
    note(f"revoked token {token_id}")
