"""costgrid orgs: the operator's command, run where the gateway's database is reachable."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from costgrid.client import CliError
from costgrid.output import Output, OutputOption, emit

app = typer.Typer(
    help="Organizations (operator only: talks to the database, not to the API).",
    no_args_is_help=True,
)


@app.command("create")
def create(
    org_id: Annotated[str, typer.Argument(help="Lowercase id, e.g. acme.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the id).")] = None,
    output: OutputOption = Output.table,
) -> None:
    """Create an organization and print its first admin token, once.

    An operator's command: it writes to the gateway's database directly (COSTGRID_DATABASE_URL
    and the other service settings, as `python -m tools.orgs`), so run it where the database is
    reachable; no login is needed.

    Example: costgrid orgs create acme --name "Acme Corp"
    """
    # Imported here: the database stack is heavy and only this operator command needs it.
    from services.common.errors import DomainError
    from services.common.known_settings import refuse_unknown_variables
    from tools import orgs

    refuse_unknown_variables()
    try:
        token_id, secret = asyncio.run(orgs.create(org_id, name or org_id))
    except DomainError as exc:
        raise CliError(exc.message) from exc
    emit({"org_id": org_id, "token_id": token_id, "admin_token": secret}, output)
