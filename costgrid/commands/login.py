"""costgrid login"""

from __future__ import annotations

from typing import Annotated

import typer

from costgrid.client import Client
from costgrid.config import api_url, save
from costgrid.output import note


def login(
    url: Annotated[str, typer.Option(help="The server, e.g. http://127.0.0.1:8080.")],
    token: Annotated[
        str, typer.Option(prompt=True, hide_input=True, help="An API token (cg_...).")
    ],
) -> None:
    """Check a URL and token against the API and save them for the next commands.

    Saved in ~/.config/costgrid/config.toml ($XDG_CONFIG_HOME), readable only by you;
    nothing is saved when the API refuses the token.

    Example: costgrid login --url http://127.0.0.1:8080 --token cg_dev_bootstrap_token
    """
    root = api_url(url)
    Client(root, token).get("/cloud-accounts", page_size=1)
    path = save(root, token)
    note(f"logged in to {root}; saved in {path}")


def register(app: typer.Typer) -> None:
    app.command()(login)
