"""The `costgrid` command: every group registered on one typer app, and one place that turns
failures into a message and an exit code."""

from __future__ import annotations

from typing import Any

import typer
from typer import _click
from typer.core import TyperGroup

from costgrid.client import CliError
from costgrid.commands import (
    accounts,
    budgets,
    costs,
    imports,
    invoices,
    login,
    orgs,
    sync,
    tokens,
    usage,
)
from costgrid.output import console

HELP = """Costgrid from the command line, through the REST API.

Start with `costgrid login --url http://127.0.0.1:8080 --token cg_...`; COSTGRID_URL and
COSTGRID_TOKEN override the saved login.

\b
Exit codes:
  0  done
  1  refused: the API's error message is printed (or a local one: bad file, not logged in)
  2  bad usage (unknown option, missing argument)
  3  the API cannot be reached

Example: costgrid costs overview --output json
"""


class CostgridGroup(TyperGroup):
    """Every command runs inside this group, so its failures all end here. (typer vendors
    click as typer._click: its Context is the one the group is typed against.)"""

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CliError as exc:
            console(stderr=True).print(f"error: {exc.message}", highlight=False, markup=False)
            raise typer.Exit(exc.exit_code) from exc


app = typer.Typer(
    cls=CostgridGroup,
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
login.register(app)
app.add_typer(accounts.app, name="accounts")
sync.register(app)
app.add_typer(imports.app, name="import")
app.add_typer(costs.app, name="costs")
costs.register(app)
app.add_typer(costs.anomalies, name="anomalies")
app.add_typer(budgets.app, name="budgets")
app.add_typer(invoices.app, name="invoices")
app.add_typer(usage.app, name="usage")
app.add_typer(usage.tenants, name="tenants")
app.add_typer(tokens.app, name="tokens")
app.add_typer(orgs.app, name="orgs")
