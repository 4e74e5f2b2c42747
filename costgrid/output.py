"""One way to print an answer, whatever the command: `json` is the API's body as it came
(decimals exact), `table` and `csv` its rows, flattened to text."""

from __future__ import annotations

import csv
import enum
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from services.common.decimal_json import decimal_number, dumps


class Output(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


OutputOption = Annotated[
    Output,
    typer.Option("--output", "-o", help="table, json (the API's body, exact) or csv."),
]


def text(value: Any) -> str:
    """A cell: money as '12.5 USD', lists joined, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return decimal_number(value)
    if isinstance(value, Mapping):
        if set(value) <= {"amount", "currency"} and "amount" in value:
            return f"{text(value['amount'])} {value.get('currency', '')}".strip()
        return dumps(value)
    if isinstance(value, list | tuple):
        return ", ".join(text(item) for item in value)
    return str(value)


def flat(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted columns (period.from); money stays one cell."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        is_money = isinstance(value, Mapping) and set(value) <= {"amount", "currency"}
        if isinstance(value, Mapping) and value and not is_money:
            out.update(flat(value, f"{name}."))
        else:
            out[name] = value
    return out


def emit(
    body: Any,
    output: Output,
    rows: Sequence[Mapping[str, Any]] | None = None,
    columns: Sequence[str] | None = None,
    title: str | None = None,
) -> None:
    """`rows` (default: the body itself as one row) and `columns` (default: every key) shape
    the table and csv; json always prints the body."""
    if output is Output.json:
        sys.stdout.write(dumps(body) + "\n")
        return
    table_rows = [flat(r) for r in (rows if rows is not None else [body])]
    names = list(columns) if columns else _columns(table_rows)
    if output is Output.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([text(row.get(name)) for name in names] for row in table_rows)
        return
    table = Table(title=title, show_lines=False)
    for name in names:
        table.add_column(name, overflow="fold")
    for row in table_rows:
        table.add_row(*(text(row.get(name)) for name in names))
    console().print(table)


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return list(names)


def console(stderr: bool = False) -> Console:
    """Built per call so it writes to the current sys.stdout (tests swap it); wide when not
    a terminal, so a piped table keeps each row on one line."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, width=None if stream.isatty() else 200)


def note(message: str) -> None:
    """For people, not for scripts: on stderr, so stdout stays the answer."""
    console(stderr=True).print(message, highlight=False, markup=False)


def next_page(body: Any) -> None:
    token = body.get("next_page_token") if isinstance(body, Mapping) else None
    if token:
        note(f"more: add --page-token {token}")
