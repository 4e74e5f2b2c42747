"""costgrid import focus: upload a FOCUS export to a focus_file account."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from costgrid import jobs
from costgrid.client import CliError
from costgrid.output import Output, OutputOption, console, emit, note
from costgrid.session import client

app = typer.Typer(help="Import cost files.", no_args_is_help=True)
CHUNK = 1 << 20


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _chunks(path: Path, progress: Progress) -> Iterator[bytes]:
    bar = progress.add_task("upload", total=path.stat().st_size)
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            progress.advance(bar, len(chunk))
            yield chunk


@app.command("focus")
def focus(
    file: Annotated[Path, typer.Argument(help="A FOCUS export: CSV, gzip CSV or Parquet.")],
    account: Annotated[int, typer.Option(help="The focus_file account (made without path/s3).")],
    wait: Annotated[bool, typer.Option(help="Follow the import job to its end.")] = False,
    timeout: Annotated[
        float, typer.Option(help="With --wait: give up after this many seconds.")
    ] = 3600,
    output: OutputOption = Output.table,
) -> None:
    """Upload a FOCUS file (with a progress bar) and start the job that imports it.

    The import replaces the account's costs on the days the file holds, so uploading the same
    file twice never doubles them.

    Example: costgrid import focus export.csv --account 5 --wait
    """
    if not file.is_file():
        raise CliError(f"{file}: no such file")
    api = client()
    headers = {"Content-Type": "application/octet-stream", "X-Checksum-SHA256": _sha256(file)}
    with Progress(
        BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=console(stderr=True)
    ) as progress:
        response = api.send(
            "POST",
            f"/cloud-accounts/{account}/uploads",
            content=_chunks(file, progress),
            headers=headers,
        )
    from services.common.decimal_json import loads

    started = loads(response.content)
    if not wait:
        emit(started, output)
        return
    note(f"uploaded; import job {started['job_id']} started")
    job = jobs.wait(api, int(started["job_id"]), timeout)
    emit(job, output, job.get("tasks") or [])
    if message := jobs.failure(job):
        raise CliError(message)
