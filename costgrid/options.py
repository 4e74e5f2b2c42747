"""Options several groups share, spelt once."""

from __future__ import annotations

from typing import Annotated

import typer

PageSize = Annotated[int | None, typer.Option(help="Rows per page (the API's default if unset).")]
PageToken = Annotated[
    str | None, typer.Option(help="The next_page_token of a previous page, for the next one.")
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def confirm(question: str, yes: bool) -> None:
    if not yes and not typer.confirm(question):
        raise typer.Exit(1)
